// The request filters every request passes before a handler, in kube-apiserver's order:
// request info, max-in-flight (429), authentication (401), authorization (403); then, once
// answered, the release of its in-flight slot and the request metrics. Health paths skip
// the chain, as kube-apiserver's --authorization-always-allow-paths.

import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { errors, isStatusError } from '../../../common/apis/meta/errors.ts';
import type { UserInfo } from './auth/authn.ts';
import type { Authorizer } from './auth/authz.ts';
import type { Authenticate } from './auth/chain.ts';
import { InflightLimiter } from './inflight.ts';
import { requestLabels, type ServerMetrics } from './metrics.ts';
import { type RequestInfo, requestInfo } from './requestinfo.ts';
import { sendStatus } from './respond.ts';

/** Paths anyone may read, like kube-apiserver's --authorization-always-allow-paths. */
const PUBLIC_PATHS = new Set(['/livez', '/readyz', '/healthz']);

declare module 'fastify' {
  interface FastifyRequest {
    info: RequestInfo;
    user?: UserInfo;
    inflight?: 'readonly' | 'mutating';
  }
}

export interface FilterOptions {
  authenticate: Authenticate;
  authorizer: Authorizer;
  metrics: ServerMetrics;
  /** What the server serves, as `servedKey`s: the only resource labels the metrics take. */
  served: ReadonlySet<string>;
  /** Max concurrent non-watch requests: read-only and mutating (0: unlimited). */
  maxInflight?: { readonly: number; mutating: number };
}

export function installFilters(app: FastifyInstance, options: FilterOptions): void {
  const m = options.metrics;
  app.decorateRequest('info', null as never);
  app.decorateRequest('user', undefined);
  app.decorateRequest('inflight', undefined);
  const limiter = new InflightLimiter(
    options.maxInflight?.readonly ?? 400,
    options.maxInflight?.mutating ?? 200,
  );

  app.addHook('onRequest', async (request, reply) => {
    request.info = requestInfo(request.method, request.url);
    if (PUBLIC_PATHS.has(request.info.path)) return;
    if (request.info.isResourceRequest)
      m.protocolRequests.inc({ protocol: request.raw.httpVersionMajor === 2 ? 'h2' : 'http/1.1' });
    if (request.info.verb !== 'watch') {
      const kind = InflightLimiter.kindOf(request.info.verb);
      if (!limiter.tryAcquire(kind)) {
        return sendStatus(reply, errors.tooManyRequests('Too many requests, please try again later.', 1));
      }
      request.inflight = kind;
    }
    const cert = (request.raw.socket as TLSSocket).getPeerX509Certificate?.();
    try {
      request.user = await options.authenticate(cert, request.headers);
      m.authenticationAttempts.inc({ result: 'success' });
    } catch (error) {
      m.authenticationAttempts.inc({ result: 'failure' });
      return sendStatus(reply, isStatusError(error) ? error : errors.unauthorized());
    }
    const decision = await options.authorizer.authorize(request.user, request.info).catch((error: Error) => {
      throw errors.internal(`authorization failed: ${error.message}`);
    });
    if (!decision.allowed) {
      const info = request.info;
      if (!info.isResourceRequest) {
        return sendStatus(reply, errors.forbiddenPath(request.user.username, info.verb, info.path));
      }
      return sendStatus(
        reply,
        errors.forbidden(
          request.user.username,
          info.verb,
          {
            group: info.group,
            resource: info.subresource ? `${info.resource}/${info.subresource}` : info.resource,
            ...(info.name ? { name: info.name } : {}),
          },
          info.namespace,
          decision.reason,
        ),
      );
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.inflight) limiter.release(request.inflight);
    const info = request.info;
    if (!info || info.verb === 'watch') return;
    const labels = requestLabels(info, options.served);
    m.requests.inc({ ...labels, code: String(reply.statusCode) });
    m.duration.observe(labels, reply.elapsedTime / 1000);
  });
}
