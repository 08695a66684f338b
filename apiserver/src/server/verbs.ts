// The resource verbs: a request under /apis/<group>/<version>/… (its RequestInfo already
// decoded, authenticated and authorized) dispatched to the registry of its resource —
// get, list, watch, create, update, patch (JSON, merge, strategic, apply), delete and
// deletecollection, on the object or its status and scale subresources — and answered in
// the negotiated representation.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../../common/apis/meta/errors.ts';
import { jsonPatch, mergePatch } from '../../../common/apis/meta/patch.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { AnyRegistry } from '../registry/registry.ts';
import type { Written } from '../registry/types.ts';
import { type AdmissionRecorder, admissionMessage, requesterFor } from './admission/requester.ts';
import type { Authorizer } from './auth/authz.ts';
import type { ServerMetrics } from './metrics.ts';
import {
  type As,
  negotiate,
  PATCH_MEDIA_TYPES,
  readApplyBody,
  readObjectBody,
  readPatchBody,
  readScaleBody,
} from './negotiation.ts';
import {
  acceptedWhenHeld,
  deleteOptions,
  includeObject,
  listOptions,
  type Query,
  writeOptions,
} from './query.ts';
import { deletedStatus, metadataOnly, present, send, warn } from './respond.ts';
import { table } from './table.ts';
import { type OpenWatches, serveWatch } from './watch.ts';

export function resourceHandler(
  registries: AnyRegistry[],
  context: {
    watches: OpenWatches;
    metrics: ServerMetrics;
    authorizer: Authorizer;
    recordAdmission?: AdmissionRecorder | undefined;
  },
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  return async (request, reply) => {
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
    const requester = request.user ? requesterFor(request.user, context.authorizer) : undefined;
    const recordAdmitted = (written: Written<TypedObject<unknown, unknown>>) => {
      if (requester && context.recordAdmission && written.admitted && written.admitted.length > 0)
        void context.recordAdmission(written.object, admissionMessage(requester.username, written.admitted));
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
        return serveWatch(
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
          context,
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
        // Gone at once: a Success Status naming what was deleted, as kube-apiserver answers for
        // a custom resource; still held by finalizers: the object, marked for deletion.
        if (result.deleted) return send(reply, 200, deletedStatus(info, result.object), rep);
        return send(reply, acceptedWhenHeld(query, doc) ? 202 : 200, result.object, rep);
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
}
