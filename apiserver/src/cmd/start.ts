// Wiring: from Options to a listening server — etcd client and stores, registries, the
// kube-apiserver clients for authentication config, TokenReview and SubjectAccessReview,
// certificate hot reload, and graceful shutdown that ends watches cleanly.

import { readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:https';
import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import { clientNodeConfig, loadClientNodeConfig } from '../../../common/kube/clientnode.ts';
import { type Logger, silentLogger } from '../../../common/log.ts';
import type { HealthCheck } from '../../../common/ops.ts';
import { registerProcessMetrics } from '../../../common/process-metrics.ts';
import { type AnyRegistry, Registry } from '../registry/registry.ts';
import { STRATEGIES } from '../registry/served.ts';
import { namespaceLifecycle } from '../server/admission/namespace.ts';
import { type AuthConfig, AuthConfigSource, kubeConfigMapClient } from '../server/auth/authconfig.ts';
import { SubjectAccessReviewAuthorizer } from '../server/auth/authz.ts';
import { authenticationChain } from '../server/auth/chain.ts';
import { TokenReviewAuthenticator } from '../server/auth/tokenreview.ts';
import { serverMetrics } from '../server/metrics.ts';
import { openapiHandler } from '../server/openapi.ts';
import { buildServer } from '../server/server.ts';
import { WatchCache } from '../storage/cacher.ts';
import { EtcdClient } from '../storage/etcd/client.ts';
import { ResourceStore } from '../storage/store.ts';
import { admissionEvents } from './events.ts';
import type { Options } from './options.ts';

/**
 * The identity towards kube-apiserver: the --kube-apiserver flags when given, else the
 * kubeconfig by kubectl's rules (common/kube), handed to client-node for its typed clients.
 */
function kubeConfig(o: Options): KubeConfig {
  if (!o.kubeconfig && o.kubeApiserver) {
    return clientNodeConfig({
      server: o.kubeApiserver,
      contextName: undefined,
      clusterName: undefined,
      userName: undefined,
      namespace: 'default',
      namespaceExplicit: false,
      insecure: false,
      ca: readFileSync(o.kubeCaFile as string),
      cert: readFileSync(o.kubeClientCertFile as string),
      key: readFileSync(o.kubeClientKeyFile as string),
    });
  }
  return loadClientNodeConfig({ kubeconfig: o.kubeconfig });
}

export interface Running {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function start(o: Options, log: Logger = silentLogger): Promise<Running> {
  const metrics = serverMetrics();
  // Resident memory, heap and live heap on /metrics: what a soak and a leak alert read.
  const stopProcessMetrics = registerProcessMetrics(metrics.registry);
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
  const caches: WatchCache<TypedObject<unknown, unknown>>[] = [];
  const registries: AnyRegistry[] = STRATEGIES.map((s) => {
    const store = new ResourceStore<TypedObject<unknown, unknown>>(
      etcd,
      o.etcdPrefix,
      { group: s.definition.group, resource: s.definition.plural },
      storageMetrics,
    );
    const cache = o.watchCache
      ? new WatchCache(store, etcd, store.root, {
          onError: (m) => log.warn(m),
          metrics: storageMetrics,
          resource: s.definition.plural,
        })
      : undefined;
    if (cache) caches.push(cache);
    return new Registry(s, cache ?? store, checkNamespace, {
      bookmarkIntervalMs: o.watchBookmarkIntervalMs,
    });
  });
  // Reads fall back to etcd until a cache has synced, so serving need not wait for them.
  await Promise.all(caches.map((c) => c.start()));
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

  const authenticate = authenticationChain(() => authSource.current, tokens);

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
    http2: o.http2,
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
      stopProcessMetrics();
      authSource.stop();
      built.closeWatches();
      await app?.close();
      for (const cache of caches) cache.stop();
      etcd.close();
    },
  };
}
