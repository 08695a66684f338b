// Writing answers: an object in the negotiated encoding (JSON, YAML, protobuf for Scale;
// a cached version's JSON is encoded once, storage/versions.ts),
// a Status for an error (with Retry-After when it says so), Warning headers, and the
// object's representation as asked for (the object, a Table, or PartialObjectMetadata).

import type { FastifyReply } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { StatusError } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { Strategy } from '../registry/strategy.ts';
import { encodeJson, viewOf } from '../storage/versions.ts';
import type { Representation } from './negotiation.ts';
import { encodeScale, PROTOBUF_MEDIA_TYPE, type ScaleObject } from './protobuf.ts';
import { includeObject, type Query } from './query.ts';
import { table } from './table.ts';

export function send(
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
  return reply.code(code).type('application/json').send(encodeJson(body));
}

/**
 * What kube-apiserver answers for a custom resource deleted at once (its registry does not
 * return the deleted object): a Success Status whose details name it, the resource's plural
 * in `kind` as upstream does. Empty fields are left out, as Go omits them.
 */
export function deletedStatus(
  target: { group?: string; resource?: string },
  object: TypedObject<unknown, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: object.metadata.name,
      group: target.group,
      kind: target.resource,
      uid: object.metadata.uid,
    },
  };
}

export function sendStatus(reply: FastifyReply, error: StatusError): FastifyReply {
  if (error.status.details?.retryAfterSeconds)
    reply.header('Retry-After', String(error.status.details.retryAfterSeconds));
  return send(reply, error.code, error.status);
}

export function warn(reply: FastifyReply, warnings: string[]): void {
  if (warnings.length > 0)
    reply.header(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
}

/** PartialObjectMetadata of an object: one per cached version, shared by every metadata watcher. */
export function metadataOnly(object: TypedObject<unknown, unknown>) {
  return viewOf(object, 'PartialObjectMetadata', (o) => ({
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  }));
}

/** The representation of one object as negotiated (object, Table or PartialObjectMetadata). */
export function present(
  strategy: Strategy<unknown, unknown>,
  object: TypedObject<unknown, unknown>,
  rep: Representation,
  query: Query,
): unknown {
  if (rep.as === 'Table') return table(strategy, [object], {}, includeObject(query));
  if (rep.as === 'PartialObjectMetadata') return metadataOnly(object);
  return object;
}
