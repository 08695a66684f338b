// The HTTPS front of the API server (fastify): authentication and authorization of every
// request before anything else, discovery, the resource verbs dispatched to the registries,
// watches as streams, health endpoints and metrics. Every failure leaves as a
// metav1.Status. Routing follows RequestInfo, as kube-apiserver's handler chain does.

import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { stringify as toYaml } from 'yaml';
import { type FieldValidation, parseFieldValidation } from '../../../common/apis/decode.ts';
import { errors, isStatusError, type StatusError } from '../../../common/apis/meta/errors.ts';
import { jsonPatch, mergePatch } from '../../../common/apis/meta/patch.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { Logger } from '../../../common/log.ts';
import { type HealthCheck, registerOps } from '../../../common/ops.ts';
import type { DeleteOptions, ListOptions, Registry, WriteOptions, Written } from '../registry/registry.ts';
import type { Requester, Strategy } from '../registry/strategy.ts';
import type { StoreWatch } from '../storage/store.ts';
import { type AdmissionRecorder, admissionMessage, requesterFor } from './admission.ts';
import type { UserInfo } from './authn.ts';
import type { Authorizer } from './authz.ts';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
} from './discovery.ts';
import { InflightLimiter } from './inflight.ts';
import type { ServerMetrics } from './metrics.ts';
import {
  type As,
  negotiate,
  PATCH_MEDIA_TYPES,
  type Representation,
  readApplyBody,
  readObjectBody,
  readPatchBody,
  readScaleBody,
} from './negotiation.ts';
import { encodeScale, PROTOBUF_MEDIA_TYPE, type ScaleObject } from './protobuf.ts';
import { type RequestInfo, requestInfo } from './requestinfo.ts';
import { bookmarkTable, table } from './table.ts';

/** Request bodies larger than this are refused with 413, as kube-apiserver does (3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Paths anyone may read, like kube-apiserver's --authorization-always-allow-paths. */
const PUBLIC_PATHS = new Set(['/livez', '/readyz', '/healthz']);

export type AnyRegistry = Registry<unknown, unknown>;

export type Authenticate = (
  cert: X509Certificate | undefined,
  headers: FastifyRequest['headers'],
) => Promise<UserInfo>;

export interface ServerOptions {
  registries: AnyRegistry[];
  authenticate: Authenticate;
  authorizer: Authorizer;
  metrics: ServerMetrics;
  /** What /readyz checks (etcd, the authentication config); /livez checks nothing more than that the server answers. */
  readyz: HealthCheck[];
  tls: { key: Buffer | string; cert: Buffer | string; ca: string[] };
  /** Extra non-resource routes (OpenAPI), answered after authorization. */
  /** Max concurrent non-watch requests: read-only and mutating (0: unlimited). */
  maxInflight?: { readonly: number; mutating: number };
  nonResource?: (
    path: string,
    accept: string | undefined,
  ) => { body: unknown; headers?: Record<string, string> } | undefined;
  /** The program's logger (errors, and requests when logRequests). */
  logger?: Logger;
  logRequests?: boolean;
  /** Records on whose permissions a write's references were admitted (issue 14). */
  recordAdmission?: AdmissionRecorder;
}

declare module 'fastify' {
  interface FastifyRequest {
    info: RequestInfo;
    user?: UserInfo;
    inflight?: 'readonly' | 'mutating';
  }
}

interface Query {
  [key: string]: string | undefined;
}

function scopeOf(info: RequestInfo): string {
  if (!info.isResourceRequest) return '';
  if (info.name) return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}

function send(
  reply: FastifyReply,
  code: number,
  body: unknown,
  rep: Representation = { format: 'json' },
): FastifyReply {
  if (rep.format === 'yaml') return reply.code(code).type('application/yaml').send(toYaml(body));
  if (rep.format === 'protobuf')
    return reply
      .code(code)
      .type(PROTOBUF_MEDIA_TYPE)
      .send(encodeScale(body as ScaleObject));
  return reply.code(code).type('application/json').send(JSON.stringify(body));
}

function sendStatus(reply: FastifyReply, error: StatusError): FastifyReply {
  if (error.status.details?.retryAfterSeconds)
    reply.header('Retry-After', String(error.status.details.retryAfterSeconds));
  return send(reply, error.code, error.status);
}

/** kube-apiserver's default field manager: the User-Agent's program name. */
function managerOf(query: Query, userAgent: string | undefined): string | undefined {
  if (query.fieldManager) {
    if (query.fieldManager.length > 128)
      throw errors.badRequest('fieldManager must not be longer than 128 characters');
    return query.fieldManager;
  }
  const program = userAgent?.split('/')[0]?.trim();
  return program ? program.slice(0, 128) : undefined;
}

function writeOptions(
  query: Query,
  userAgent?: string,
  requester?: Requester,
  fallback: FieldValidation = 'Strict',
): WriteOptions {
  const dryRun = query.dryRun;
  if (dryRun !== undefined && dryRun !== 'All' && dryRun !== '') {
    throw errors.badRequest(`Invalid dry run value: ${dryRun}: supported values: "All"`);
  }
  const fieldManager = managerOf(query, userAgent);
  return {
    dryRun: dryRun === 'All',
    fieldValidation: parseFieldValidation(query.fieldValidation, fallback),
    ...(fieldManager ? { fieldManager } : {}),
    ...(requester ? { requester } : {}),
  };
}

function listOptions(query: Query): ListOptions {
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
    throw errors.badRequest(`invalid limit: ${query.limit}`);
  const timeout = query.timeoutSeconds === undefined ? undefined : Number(query.timeoutSeconds);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0))
    throw errors.badRequest(
      `invalid timeoutSeconds: ${query.timeoutSeconds}: must be a non-negative integer`,
    );
  return {
    ...(limit ? { limit } : {}),
    ...(query.continue ? { continue: query.continue } : {}),
    ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
    ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
    ...(query.resourceVersion ? { resourceVersion: query.resourceVersion } : {}),
    ...(query.resourceVersionMatch ? { resourceVersionMatch: query.resourceVersionMatch } : {}),
  };
}

function deleteOptions(query: Query, body: unknown): DeleteOptions {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    propagationPolicy?: string;
    orphanDependents?: boolean;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
  const policy =
    query.propagationPolicy ?? b.propagationPolicy ?? (b.orphanDependents ? 'Orphan' : undefined);
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(
      `propagationPolicy must be one of Orphan, Background, Foreground, got "${policy}"`,
    );
  }
  const dryRun = query.dryRun === 'All' || (b.dryRun ?? []).includes('All');
  return {
    dryRun,
    ...(b.preconditions ? { preconditions: b.preconditions } : {}),
    ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] & string } : {}),
  };
}

function warn(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length > 0)
    reply.header(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
}

function metadataOnly(object: TypedObject<unknown, unknown>) {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** The representation of one object as negotiated (object, Table or PartialObjectMetadata). */
function present(
  strategy: Strategy<unknown, unknown>,
  object: TypedObject<unknown, unknown>,
  rep: Representation,
  query: Query,
): unknown {
  if (rep.as === 'Table') return table(strategy, [object], {}, includeObject(query));
  if (rep.as === 'PartialObjectMetadata') return metadataOnly(object);
  return object;
}

function includeObject(query: Query): 'None' | 'Metadata' | 'Object' {
  const v = query.includeObject;
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export async function buildServer(
  options: ServerOptions,
): Promise<{ app: FastifyInstance; closeWatches(): void }> {
  const app = Fastify({
    https: {
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  const registries = options.registries;
  const strategies = registries.map((r) => r.strategy);
  const watches = new Set<{ end(): void }>();
  const m = options.metrics;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.decorateRequest('info', null as never);
  app.decorateRequest('user', undefined);
  app.decorateRequest('inflight', undefined);
  const limiter = new InflightLimiter(
    options.maxInflight?.readonly ?? 400,
    options.maxInflight?.mutating ?? 200,
  );

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

  app.addHook('onRequest', async (request, reply) => {
    request.info = requestInfo(request.method, request.url);
    if (PUBLIC_PATHS.has(request.info.path)) return;
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
    const labels = {
      verb: info.verb.toUpperCase() === info.verb ? info.verb : info.verb.toUpperCase(),
      group: info.isResourceRequest ? info.group : '',
      version: info.isResourceRequest ? info.version : '',
      resource: info.isResourceRequest ? info.resource : '',
      subresource: info.isResourceRequest ? (info.subresource ?? '') : '',
      scope: scopeOf(info),
      component: 'apiserver',
    };
    m.requests.inc({ ...labels, code: String(reply.statusCode) });
    m.duration.observe(labels, reply.elapsedTime / 1000);
  });

  registerOps(app, { livez: [], readyz: options.readyz, metrics: m.registry });

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

  const resourceRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const info = request.info;
    if (!info.isResourceRequest) throw errors.pathNotFound(info.path);
    const registry = registries.find(
      (r) =>
        r.strategy.definition.group === info.group &&
        r.strategy.definition.version === info.version &&
        r.strategy.definition.plural === info.resource,
    );
    if (!registry) throw errors.pathNotFound(info.path);
    const strategy = registry.strategy;
    const target = { group: info.group, resource: info.resource, ...(info.name ? { name: info.name } : {}) };
    const sub = info.subresource ?? '';
    if (sub !== '' && sub !== 'status' && !(sub === 'scale' && strategy.scale))
      throw errors.pathNotFound(info.path);
    const query = request.query as Query;
    const ns = info.namespace;
    const body = request.body as Buffer | undefined;
    const objectAs: As[] = ['Table', 'PartialObjectMetadata'];
    const requester = request.user ? requesterFor(request.user, options.authorizer) : undefined;
    const recordAdmitted = (written: Written<TypedObject<unknown, unknown>>) => {
      if (requester && options.recordAdmission && written.admitted && written.admitted.length > 0)
        void options.recordAdmission(written.object, admissionMessage(requester.username, written.admitted));
    };

    switch (info.verb) {
      case 'get': {
        if (!ns || !info.name) throw errors.pathNotFound(info.path);
        if (sub === 'scale')
          return send(
            reply,
            200,
            await registry.getScale(ns, info.name),
            negotiate(request.headers.accept, [], { protobuf: true }),
          );
        const rep = negotiate(request.headers.accept, objectAs);
        return send(reply, 200, present(strategy, await registry.get(ns, info.name), rep, query), rep);
      }
      case 'list': {
        if (sub) throw errors.methodNotSupported(target, 'list');
        const rep = negotiate(request.headers.accept, ['Table', 'PartialObjectMetadataList']);
        const list = (await registry.list(ns, listOptions(query))) as {
          metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
          items: TypedObject<unknown, unknown>[];
        };
        if (rep.as === 'Table')
          return send(reply, 200, table(strategy, list.items, list.metadata, includeObject(query)), rep);
        if (rep.as === 'PartialObjectMetadataList') {
          return send(
            reply,
            200,
            {
              kind: 'PartialObjectMetadataList',
              apiVersion: 'meta.k8s.io/v1',
              metadata: list.metadata,
              items: list.items.map(metadataOnly),
            },
            rep,
          );
        }
        return send(reply, 200, list, rep);
      }
      case 'watch': {
        if (sub) throw errors.methodNotSupported(target, 'watch');
        const rep = negotiate(request.headers.accept, ['Table', 'PartialObjectMetadata']);
        const opts = listOptions(query);
        if (info.name)
          opts.fieldSelector = [opts.fieldSelector, `metadata.name=${info.name}`].filter(Boolean).join(',');
        return watch(
          request,
          reply,
          registry,
          ns,
          {
            ...opts,
            allowWatchBookmarks: query.allowWatchBookmarks === 'true',
            sendInitialEvents: query.sendInitialEvents === 'true',
          },
          rep,
          query,
        );
      }
      case 'create': {
        if (!ns || info.name) throw errors.methodNotSupported(target, 'create');
        const rep = negotiate(request.headers.accept, []);
        const created = await registry.create(
          ns,
          readObjectBody(body, request.headers['content-type']),
          writeOptions(query, request.headers['user-agent'], requester),
        );
        warn(reply, created.warnings);
        recordAdmitted(created);
        return send(reply, 201, created.object, rep);
      }
      case 'update': {
        if (!ns || !info.name) throw errors.methodNotSupported(target, 'update');
        const rep = negotiate(request.headers.accept, [], { protobuf: sub === 'scale' });
        const opts = writeOptions(query, request.headers['user-agent'], requester);
        if (sub === 'scale') {
          const doc = readScaleBody(body, request.headers['content-type']);
          return send(reply, 200, await registry.updateScale(ns, info.name, () => doc, opts), rep);
        }
        const doc = readObjectBody(body, request.headers['content-type']);
        const updated = await registry.update(ns, info.name, doc, opts, sub === 'status' ? 'status' : '');
        warn(reply, updated.warnings);
        recordAdmitted(updated);
        return send(reply, 200, updated.object, rep);
      }
      case 'patch': {
        if (!ns || !info.name) throw errors.methodNotSupported(target, 'patch');
        const rep = negotiate(request.headers.accept, [], { protobuf: sub === 'scale' });
        if (
          (request.headers['content-type'] ?? '').split(';')[0]?.trim() === 'application/apply-patch+yaml'
        ) {
          if (sub === 'scale')
            throw errors.unsupportedMediaType('application/apply-patch+yaml', PATCH_MEDIA_TYPES);
          const applied = await registry.apply(
            ns,
            info.name,
            readApplyBody(body),
            {
              ...writeOptions(query, request.headers['user-agent'], requester),
              fieldManager: query.fieldManager ?? '',
              force: query.force === 'true',
            },
            sub === 'status' ? 'status' : '',
          );
          warn(reply, applied.warnings);
          recordAdmitted(applied);
          return send(reply, applied.created ? 201 : 200, applied.object, rep);
        }
        const { type, patch } = readPatchBody(body, request.headers['content-type']);
        const opts = writeOptions(query, request.headers['user-agent'], requester);
        if (sub === 'scale') {
          const scaled = await registry.updateScale(
            ns,
            info.name,
            (scale) => (type === 'json' ? jsonPatch(scale, patch) : mergePatch(scale, patch)),
            opts,
          );
          return send(reply, 200, scaled, rep);
        }
        const patched = await registry.patch(
          ns,
          info.name,
          type,
          patch,
          opts,
          sub === 'status' ? 'status' : '',
        );
        warn(reply, patched.warnings);
        recordAdmitted(patched);
        return send(reply, 200, patched.object, rep);
      }
      case 'delete': {
        if (!ns || !info.name || sub) throw errors.methodNotSupported(target, 'delete');
        const rep = negotiate(request.headers.accept, []);
        const doc =
          body && body.length > 0
            ? readObjectBody(body, request.headers['content-type'] ?? 'application/json')
            : undefined;
        const result = await registry.delete(ns, info.name, deleteOptions(query, doc));
        return send(reply, result.deleted ? 200 : 202, result.object, rep);
      }
      case 'deletecollection': {
        if (sub) throw errors.methodNotSupported(target, 'deletecollection');
        const doc =
          body && body.length > 0
            ? readObjectBody(body, request.headers['content-type'] ?? 'application/json')
            : undefined;
        return send(
          reply,
          200,
          await registry.deleteCollection(ns, listOptions(query), deleteOptions(query, doc)),
        );
      }
      default:
        throw errors.methodNotSupported(target, request.method);
    }
  };

  const watch = async (
    request: FastifyRequest,
    reply: FastifyReply,
    registry: AnyRegistry,
    namespace: string | undefined,
    opts: ListOptions & { allowWatchBookmarks: boolean; sendInitialEvents: boolean },
    rep: Representation,
    query: Query,
  ) => {
    const info = request.info as Extract<RequestInfo, { isResourceRequest: true }>;
    const gaugeLabels = {
      verb: 'WATCH',
      group: info.group,
      version: info.version,
      resource: info.resource,
      scope: scopeOf(info),
      component: 'apiserver',
    };
    const res: ServerResponse<IncomingMessage> = reply.raw;
    let storeWatch: StoreWatch | undefined;
    let open = true;
    const write = (type: string, object: unknown) => {
      if (open) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const handle = {
      end: () => {
        if (!open) return;
        open = false;
        storeWatch?.stop();
        watches.delete(handle);
        clearTimeout(timer);
        m.longRunning.dec(gaugeLabels);
        res.end();
      },
    };
    const requested = Number(query.timeoutSeconds);
    const seconds =
      Number.isFinite(requested) && requested > 0 ? requested : 1800 + Math.floor(Math.random() * 1800);
    const timer = setTimeout(() => handle.end(), seconds * 1000);
    // Every event, bookmarks included, in the representation the client asked for: a metadata
    // informer that gets a bare ProjectService cannot decode it and re-lists.
    const presentEvent = (type: string, object: TypedObject<unknown, unknown>) => {
      if (rep.as === 'Table')
        return type === 'BOOKMARK'
          ? bookmarkTable(registry.strategy, object, includeObject(query))
          : table(registry.strategy, [object], {}, includeObject(query));
      if (rep.as === 'PartialObjectMetadata') return metadataOnly(object);
      return object;
    };
    // Start the storage watch before answering, so a bad resourceVersion is a plain error response.
    const pending: Array<[string, unknown]> = [];
    let started = false;
    const sink = {
      event: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: TypedObject<unknown, unknown>) => {
        const shown = presentEvent(type, object);
        if (started) write(type, shown);
        else pending.push([type, shown]);
      },
      end: (error?: StatusError) => {
        if (error) {
          if (started) write('ERROR', error.status);
          else pending.push(['ERROR', error.status]);
        }
        if (started) handle.end();
        else pending.push(['END', undefined]);
      },
    };
    try {
      storeWatch = await registry.watch(namespace, opts, sink);
    } catch (error) {
      // A refused watch (bad selector, bad resourceVersion) must not leave its timeout armed:
      // one leaked timer per bad request keeps the process busy for up to an hour.
      open = false;
      clearTimeout(timer);
      throw error;
    }
    reply.hijack();
    res.writeHead(200, {
      // Watch streams are JSON lines whatever the requested format, as kube-apiserver's.
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    started = true;
    watches.add(handle);
    m.longRunning.inc(gaugeLabels);
    for (const [type, object] of pending) {
      if (type === 'END') {
        handle.end();
        return;
      }
      write(type, object);
    }
    request.raw.on('close', () => handle.end());
    res.on('error', () => handle.end());
  };

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/apis/:group/:version/*',
    handler: resourceRoute,
  });

  return {
    app,
    closeWatches: () => {
      for (const w of [...watches]) w.end();
    },
  };
}
