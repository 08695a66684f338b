// Wiring: from Options to a listening server — etcd client and stores, registries, the
// kube-apiserver clients for authentication config, TokenReview and SubjectAccessReview,
// certificate hot reload, and graceful shutdown that ends watches cleanly.

import type { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:https';
import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import { type Logger, silentLogger } from '../../../common/log.ts';
import type { HealthCheck } from '../../../common/ops.ts';
import { type NamespaceCheck, Registry } from '../registry/registry.ts';
import { STRATEGIES } from '../registry/served.ts';
import { type AuthConfig, AuthConfigSource, kubeConfigMapClient } from '../server/authconfig.ts';
import { authenticateCertificate, withAuthenticatedGroup } from '../server/authn.ts';
import { SubjectAccessReviewAuthorizer } from '../server/authz.ts';
import { serverMetrics } from '../server/metrics.ts';
import { openapiHandler } from '../server/openapi.ts';
import { type AnyRegistry, buildServer } from '../server/server.ts';
import { TokenReviewAuthenticator } from '../server/tokenreview.ts';
import { TtlCache } from '../server/ttlcache.ts';
import { EtcdClient } from '../storage/etcd/client.ts';
import { ResourceStore } from '../storage/store.ts';
import { admissionEvents } from './events.ts';
import type { Options } from './options.ts';

function kubeConfig(o: Options): KubeConfig {
  const kc = new KubeConfig();
  if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
  else if (o.kubeApiserver) {
    kc.loadFromOptions({
      clusters: [
        { name: 'cluster', server: o.kubeApiserver, caFile: o.kubeCaFile as string, skipTLSVerify: false },
      ],
      users: [
        {
          name: 'apiserver',
          certFile: o.kubeClientCertFile as string,
          keyFile: o.kubeClientKeyFile as string,
        },
      ],
      contexts: [{ name: 'default', cluster: 'cluster', user: 'apiserver' }],
      currentContext: 'default',
    });
  } else kc.loadFromDefault();
  return kc;
}

/** Objects may only be created in namespaces that exist and are not being deleted. */
function namespaceLifecycle(core: CoreV1Api): NamespaceCheck {
  const known = new TtlCache<'Active' | 'Terminating'>();
  return async (namespace) => {
    let phase = known.get(namespace);
    if (!phase) {
      try {
        const ns = await core.readNamespace({ name: namespace });
        phase =
          ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp ? 'Terminating' : 'Active';
      } catch (error) {
        if ((error as { code?: number }).code === 404)
          throw errors.notFound({ group: '', resource: 'namespaces', name: namespace });
        throw errors.internal(`cannot read namespace ${namespace}: ${(error as Error).message}`);
      }
      known.set(namespace, phase, phase === 'Active' ? 2_000 : 30_000);
    }
    if (phase === 'Terminating') throw errors.namespaceTerminating(namespace);
  };
}

export interface Running {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function start(o: Options, log: Logger = silentLogger): Promise<Running> {
  const metrics = serverMetrics();
  const etcd = new EtcdClient({
    endpoint: o.etcdServers.split(',')[0] as string,
    caFile: o.etcdCaFile,
    certFile: o.etcdCertFile,
    keyFile: o.etcdKeyFile,
  });
  const storageMetrics = {
    observe: (op: string, type: string, s: number) => metrics.storage.observe({ operation: op, type }, s),
  };
  const kc = kubeConfig(o);
  const core = kc.makeApiClient(CoreV1Api);
  const checkNamespace = namespaceLifecycle(core);
  const registries: AnyRegistry[] = STRATEGIES.map(
    (s) =>
      new Registry(
        s,
        new ResourceStore<TypedObject<unknown, unknown>>(
          etcd,
          o.etcdPrefix,
          { group: s.definition.group, resource: s.definition.plural },
          storageMetrics,
        ),
        checkNamespace,
        { bookmarkIntervalMs: o.watchBookmarkIntervalMs },
      ),
  );
  const tokens = new TokenReviewAuthenticator(kc.makeApiClient(AuthenticationV1Api), (m) => log.error(m));
  const authorizer = new SubjectAccessReviewAuthorizer(kc.makeApiClient(AuthorizationV1Api));

  let app: FastifyInstance | undefined;
  const tlsFiles = () => ({ key: readFileSync(o.tlsPrivateKeyFile), cert: readFileSync(o.tlsCertFile) });
  const caList = (c: AuthConfig | undefined) =>
    c ? [c.requestHeaderCAPem, c.clientCAPem].filter((p) => p !== '') : [];
  const reloadTls = (c: AuthConfig | undefined) => {
    if (app) (app.server as unknown as Server).setSecureContext({ ...tlsFiles(), ca: caList(c) });
  };
  const authSource = new AuthConfigSource(
    kubeConfigMapClient(kc),
    (config) => {
      // New CAs must be offered in the TLS handshake too, or clients will not present certificates.
      reloadTls(config);
    },
    { ref: o.authenticationConfigMap },
  );
  await authSource.refresh();

  const authenticate = async (
    cert: X509Certificate | undefined,
    headers: Record<string, string | string[] | undefined>,
  ) => {
    const config = authSource.current;
    if (!config) throw errors.unavailable('authentication configuration is not loaded yet');
    const outcome = authenticateCertificate(cert, headers, config);
    if (outcome.kind === 'user') return outcome.user;
    if (outcome.kind === 'rejected') throw errors.unauthorized();
    const auth = headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (token) {
      const user = await tokens.authenticate(token);
      if (user) return withAuthenticatedGroup(user);
    }
    throw errors.unauthorized();
  };

  const readyz: HealthCheck[] = [
    {
      name: 'authentication-config',
      check: () => (authSource.current ? undefined : (authSource.lastError ?? 'not loaded')),
    },
    {
      name: 'etcd',
      check: async () => {
        await Promise.race([
          etcd.range({ key: o.etcdPrefix, countOnly: true }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
        return undefined;
      },
    },
  ];

  const built = await buildServer({
    registries,
    authenticate,
    authorizer,
    metrics,
    readyz,
    tls: { ...tlsFiles(), ca: caList(authSource.current) },
    nonResource: openapiHandler(STRATEGIES),
    logger: log,
    logRequests: o.logRequests,
    recordAdmission: admissionEvents(kc, log),
  });
  app = built.app;
  authSource.start();

  // Serving certificate hot reload: a renewed certificate is picked up without a restart.
  let stamp = `${statSync(o.tlsCertFile).mtimeMs}:${statSync(o.tlsPrivateKeyFile).mtimeMs}`;
  const certTimer = setInterval(() => {
    try {
      const now = `${statSync(o.tlsCertFile).mtimeMs}:${statSync(o.tlsPrivateKeyFile).mtimeMs}`;
      if (now === stamp) return;
      reloadTls(authSource.current);
      stamp = now;
    } catch {
      // a half-written renewal (certificate and key do not match yet): try again next tick
    }
  }, 10_000);
  certTimer.unref();

  const url = await app.listen({ host: o.bindAddress, port: o.securePort });
  return {
    app,
    url,
    stop: async () => {
      clearInterval(certTimer);
      authSource.stop();
      built.closeWatches();
      await app?.close();
      etcd.close();
    },
  };
}
