// The HTTPS front of the API server (fastify; HTTP/2 and HTTP/1.1, see http2.ts), assembled: the request filters
// (filters.ts: in-flight limits, authentication, authorization, metrics) before anything
// else, health endpoints and metrics, discovery, OpenAPI, and the resource verbs
// (verbs.ts, watches in watch.ts) dispatched to the registries. Every failure leaves as a
// metav1.Status. Routing follows RequestInfo, as kube-apiserver's handler chain does.

import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { errors, isStatusError } from '../../../common/apis/meta/errors.ts';
import type { Logger } from '../../../common/log.ts';
import { type HealthCheck, registerOps } from '../../../common/ops.ts';
import type { AnyRegistry } from '../registry/registry.ts';
import type { AdmissionRecorder } from './admission/requester.ts';
import type { Authorizer } from './auth/authz.ts';
import type { Authenticate } from './auth/chain.ts';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
} from './discovery.ts';
import { installFilters } from './filters.ts';
import { alpnOptions, closeIdleSessions, countConnections, http1Connections } from './http2.ts';
import { type ServerMetrics, servedResources } from './metrics.ts';
import { negotiate } from './negotiation.ts';
import { send, sendStatus } from './respond.ts';
import { resourceHandler } from './verbs.ts';
import type { OpenWatches } from './watch.ts';

/** Request bodies larger than this are refused with 413, as kube-apiserver does (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export interface ServerOptions {
  registries: AnyRegistry[];
  authenticate: Authenticate;
  authorizer: Authorizer;
  metrics: ServerMetrics;
  /** What /readyz checks (etcd, the authentication config); /livez checks nothing more than that the server answers. */
  readyz: HealthCheck[];
  tls: { key: Buffer | string; cert: Buffer | string; ca: string[] };
  /** Max concurrent non-watch requests: read-only and mutating (0: unlimited). */
  maxInflight?: { readonly: number; mutating: number };
  /** Extra non-resource routes (OpenAPI), answered after authorization. */
  nonResource?: (
    path: string,
    accept: string | undefined,
  ) => { body: unknown; headers?: Record<string, string> } | undefined;
  /** The program's logger (errors, and requests when logRequests). */
  logger?: Logger;
  logRequests?: boolean;
  /** Offer h2 in ALPN (default); false serves HTTP/1.1 only. */
  http2?: boolean;
  /** Records on whose permissions a write's references were admitted (issue 14). */
  recordAdmission?: AdmissionRecorder;
}

export async function buildServer(
  options: ServerOptions,
): Promise<{ app: FastifyInstance; closeWatches(): void }> {
  const http2 = Fastify({
    http2: true,
    https: {
      ...alpnOptions(options.http2 ?? true),
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    // Replaced by closeIdleSessions, which never closes a session under an open watch.
    http2SessionTimeout: 0,
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  closeIdleSessions(http2.server);
  countConnections(http2.server, options.metrics.connections);
  // The handlers use only what HTTP/1.1 and HTTP/2 compatibility requests and responses share
  // (headers, write, writeHead, end, close events; the peer certificate via the socket).
  const app = http2 as unknown as FastifyInstance;
  const registries = options.registries;
  const strategies = registries.map((r) => r.strategy);
  const watches: OpenWatches = new Set();
  const closeWatches = () => {
    for (const w of [...watches]) w.end();
  };
  const http1 = http1Connections(http2.server);
  // Once closing, new requests get 503; end the watches still open (one may have started
  // since the caller ended them) so HTTP/2 sessions can close, and drop HTTP/1.1 connections
  // as forceCloseConnections does on an HTTP/1.1-only server.
  app.addHook('preClose', (done) => {
    closeWatches();
    http1.destroyAll();
    done();
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error, _request, reply) => {
    if (isStatusError(error)) return sendStatus(reply, error);
    const e = error as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatus(reply, errors.tooLarge());
    if (e.statusCode === 400 || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return sendStatus(reply, errors.badRequest(e.message));
    app.log.error({ err: error }, 'unhandled error');
    return sendStatus(reply, errors.internal(e.message));
  });
  app.setNotFoundHandler((request, reply) =>
    sendStatus(reply, errors.pathNotFound(request.url.split('?')[0] ?? '')),
  );

  installFilters(app, {
    authenticate: options.authenticate,
    authorizer: options.authorizer,
    metrics: options.metrics,
    served: servedResources(strategies),
    ...(options.maxInflight ? { maxInflight: options.maxInflight } : {}),
  });

  registerOps(app, { livez: [], readyz: options.readyz, metrics: options.metrics.registry });

  app.get('/apis', async (request, reply) => {
    const rep = negotiate(request.headers.accept, ['APIGroupDiscoveryList']);
    if (rep.as === 'APIGroupDiscoveryList') {
      return (
        reply
          .code(200)
          .header('content-type', AGGREGATED_DISCOVERY_CONTENT_TYPE)
          .header('Vary', 'Accept')
          // A Buffer, so fastify sends the media type exactly as clients match it (no charset added).
          .send(Buffer.from(JSON.stringify(aggregatedDiscovery(strategies))))
      );
    }
    return send(reply.header('Vary', 'Accept'), 200, apiGroupList(strategies), rep);
  });
  app.get('/apis/:group', async (request, reply) => {
    const { group } = request.params as { group: string };
    const s = strategies.find((x) => x.definition.group === group);
    if (!s) throw errors.pathNotFound(request.info.path);
    return send(reply, 200, apiGroup(group, s.definition.version), negotiate(request.headers.accept, []));
  });
  app.get('/apis/:group/:version', async (request, reply) => {
    const { group, version } = request.params as { group: string; version: string };
    const list = apiResourceList(group, version, strategies);
    if (list.resources.length === 0) throw errors.pathNotFound(request.info.path);
    return send(reply, 200, list, negotiate(request.headers.accept, []));
  });
  if (options.nonResource) {
    const extra = options.nonResource;
    app.get('/openapi/*', async (request, reply) => {
      const answer = extra(request.info.path, request.headers.accept);
      if (!answer) throw errors.pathNotFound(request.info.path);
      for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
      const etag = answer.headers?.ETag;
      if (etag && request.headers['if-none-match'] === etag) return reply.code(304).send();
      if (typeof answer.body === 'string' || Buffer.isBuffer(answer.body))
        return reply.code(200).send(answer.body);
      return reply.code(200).type('application/json').send(JSON.stringify(answer.body));
    });
  }

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/apis/:group/:version/*',
    handler: resourceHandler(registries, {
      watches,
      metrics: options.metrics,
      authorizer: options.authorizer,
      recordAdmission: options.recordAdmission,
    }),
  });

  return {
    app,
    closeWatches,
  };
}
