// OpenAPI v2 (/openapi/v2) and v3 (/openapi/v3, /openapi/v3/apis/<group>/<version>)
// documents generated from the kinds' schemas — the same objects that validate and default
// requests — with x-kubernetes-group-version-kind on definitions and operations, so
// `kubectl explain`, client-side apply and server-side field validation detection work.
// Documents are built once and served with an ETag. Pure apart from the hash.

import { createHash } from 'node:crypto';
import type { OpenAPIV2, OpenAPIV3 } from 'openapi-types';
import type { Schema } from '../../../common/apis/schema.ts';
import type { Strategy } from '../registry/strategy.ts';

type AnyStrategy = Strategy<unknown, unknown>;
type Doc = Record<string, unknown>;

/** dev.kubehpc.apps.v1alpha1.ProjectService: reversed group, as Kubernetes names definitions. */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

/** Adds kubectl's strategic-merge hints to lists keyed by one field, recursively. */
function withPatchHints(schema: Schema): Doc {
  const out: Doc = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, withPatchHints(v)]),
    );
  }
  if (schema.additionalProperties) out.additionalProperties = withPatchHints(schema.additionalProperties);
  if (schema.items) out.items = withPatchHints(schema.items);
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] === 'map' && keys?.length === 1) {
    out['x-kubernetes-patch-strategy'] = 'merge';
    out['x-kubernetes-patch-merge-key'] = keys[0];
  }
  return out;
}

function gvk(s: AnyStrategy) {
  return { group: s.definition.group, version: s.definition.version, kind: s.definition.kind };
}

const QUERY = (name: string, description: string, type = 'string') => ({
  name,
  in: 'query',
  description,
  type,
  uniqueItems: true,
});
const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  QUERY('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'How the server treats unknown fields: Ignore, Warn or Strict (the default).'),
];
const LIST_PARAMS = [
  QUERY('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  QUERY('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  QUERY('limit', 'Maximum number of results for a list call.', 'integer'),
  QUERY('continue', 'Continue token of a previous paginated list call.'),
  QUERY('resourceVersion', 'Resource version to list or watch from.'),
  QUERY('watch', 'Watch for changes instead of listing.', 'boolean'),
  QUERY('allowWatchBookmarks', 'Allow BOOKMARK watch events.', 'boolean'),
  QUERY('timeoutSeconds', 'Timeout of a list or watch call.', 'integer'),
];

/** Paths of one resource, in OpenAPI v2 shape (v3 differs only in refs and bodies). */
function paths(s: AnyStrategy, ref: (name: string) => string, v3: boolean): Doc {
  const d = s.definition;
  const base = `/apis/${d.group}/${d.version}`;
  const item = `${base}/namespaces/{namespace}/${d.plural}/{name}`;
  const kindRef = { $ref: ref(definitionName(d.group, d.version, d.kind)) };
  const listRef = { $ref: ref(definitionName(d.group, d.version, d.listKind)) };
  const response = (schema: unknown) =>
    v3 ? { description: 'OK', content: { 'application/json': { schema } } } : { description: 'OK', schema };
  const body = (schema: unknown) =>
    v3
      ? { requestBody: { required: true, content: { 'application/json': { schema } } } }
      : { parameters: [{ name: 'body', in: 'body', required: true, schema }] };
  const params = (list: Doc[]) => (v3 ? list.map(({ type, ...p }) => ({ ...p, schema: { type } })) : list);
  const op = (action: string, id: string, extra: Doc, schema: unknown, query: Doc[] = []) => {
    const bodyPart = extra.body as Doc | undefined;
    const bodyParams = (bodyPart?.parameters as Doc[] | undefined) ?? [];
    return {
      operationId: `${action}${d.kind}${id}`,
      tags: [`${d.group.split('.')[0]}_${d.version}`],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk(s),
      ...(bodyPart?.requestBody ? { requestBody: bodyPart.requestBody } : {}),
      parameters: [...params(query), ...bodyParams],
      responses: { '200': response(schema) },
    };
  };
  const nsParams = params([
    {
      name: 'namespace',
      in: 'path',
      required: true,
      type: 'string',
      description: 'The project (namespace).',
    },
  ]);
  const nameParams = params([
    { name: 'name', in: 'path', required: true, type: 'string', description: 'Name of the object.' },
  ]);
  const out: Doc = {
    [`${base}/${d.plural}`]: { get: op('list', 'ForAllNamespaces', {}, listRef, LIST_PARAMS) },
    [`${base}/namespaces/{namespace}/${d.plural}`]: {
      parameters: nsParams,
      get: op('list', '', {}, listRef, LIST_PARAMS),
      post: op('post', '', { body: body(kindRef) }, kindRef, WRITE_PARAMS),
      delete: op('deletecollection', '', {}, listRef, [
        ...LIST_PARAMS,
        QUERY('dryRun', 'All to not persist.'),
      ]),
    },
    [item]: {
      parameters: [...nsParams, ...nameParams],
      get: op('get', '', {}, kindRef),
      put: op('put', '', { body: body(kindRef) }, kindRef, WRITE_PARAMS),
      patch: op('patch', '', { body: body({ type: 'object' }) }, kindRef, [
        ...WRITE_PARAMS,
        QUERY('force', 'Force apply.', 'boolean'),
      ]),
      delete: op('delete', '', {}, kindRef, [
        QUERY('dryRun', 'All to not persist.'),
        QUERY('propagationPolicy', 'Orphan, Background or Foreground.'),
      ]),
    },
    [`${item}/status`]: {
      parameters: [...nsParams, ...nameParams],
      get: op('get', 'Status', {}, kindRef),
      put: op('put', 'Status', { body: body(kindRef) }, kindRef, WRITE_PARAMS),
      patch: op('patch', 'Status', { body: body({ type: 'object' }) }, kindRef, WRITE_PARAMS),
    },
  };
  if (s.scale) {
    const scaleRef = { $ref: ref('io.k8s.api.autoscaling.v1.Scale') };
    out[`${item}/scale`] = {
      parameters: [...nsParams, ...nameParams],
      get: {
        ...op('get', 'Scale', {}, scaleRef),
        'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      },
      put: {
        ...op('put', 'Scale', { body: body(scaleRef) }, scaleRef, WRITE_PARAMS),
        'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      },
      patch: {
        ...op('patch', 'Scale', { body: body({ type: 'object' }) }, scaleRef, WRITE_PARAMS),
        'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      },
    };
  }
  return out;
}

const SCALE_SCHEMA: Doc = {
  type: 'object',
  description: 'Scale represents a scaling request for a resource.',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
    status: {
      type: 'object',
      required: ['replicas'],
      properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string' } },
    },
  },
  'x-kubernetes-group-version-kind': [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }],
};

function definitions(strategies: readonly AnyStrategy[], ref: (name: string) => string): Doc {
  const out: Doc = {};
  for (const s of strategies) {
    const d = s.definition;
    out[definitionName(d.group, d.version, d.kind)] = {
      ...withPatchHints(d.schema),
      'x-kubernetes-group-version-kind': [gvk(s)],
    };
    out[definitionName(d.group, d.version, d.listKind)] = {
      type: 'object',
      description: `A list of ${d.kind} objects.`,
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { $ref: ref(definitionName(d.group, d.version, d.kind)) } },
      },
      'x-kubernetes-group-version-kind': [{ group: d.group, version: d.version, kind: d.listKind }],
    };
  }
  if (strategies.some((s) => s.scale)) out['io.k8s.api.autoscaling.v1.Scale'] = SCALE_SCHEMA;
  return out;
}

export function openapiV2(strategies: readonly AnyStrategy[]): OpenAPIV2.Document {
  const ref = (name: string) => `#/definitions/${name}`;
  return {
    swagger: '2.0',
    info: { title: 'kubehpc', version: 'v1alpha1' },
    paths: Object.assign({}, ...strategies.map((s) => paths(s, ref, false))),
    definitions: definitions(strategies, ref) as OpenAPIV2.DefinitionsObject,
  };
}

export function openapiV3(
  strategies: readonly AnyStrategy[],
  group: string,
  version: string,
): OpenAPIV3.Document {
  const members = strategies.filter((s) => s.definition.group === group && s.definition.version === version);
  const ref = (name: string) => `#/components/schemas/${name}`;
  return {
    openapi: '3.0.0',
    info: { title: 'kubehpc', version: 'v1alpha1' },
    paths: Object.assign({}, ...members.map((s) => paths(s, ref, true))),
    components: { schemas: definitions(members, ref) as Record<string, OpenAPIV3.SchemaObject> },
  };
}

function etag(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();
}

/** The non-resource handler the server mounts under /openapi/. */
export function openapiHandler(strategies: readonly AnyStrategy[]) {
  const v2 = JSON.stringify(openapiV2(strategies));
  const v2Tag = etag(v2);
  const groups = new Map<string, { body: string; tag: string }>();
  for (const s of strategies) {
    const key = `apis/${s.definition.group}/${s.definition.version}`;
    if (groups.has(key)) continue;
    const body = JSON.stringify(openapiV3(strategies, s.definition.group, s.definition.version));
    groups.set(key, { body, tag: etag(body) });
  }
  const root = JSON.stringify({
    paths: Object.fromEntries(
      [...groups].map(([key, g]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${g.tag}` }]),
    ),
  });
  return (path: string): { body: string; headers: Record<string, string> } | undefined => {
    const json = { 'Content-Type': 'application/json' };
    if (path === '/openapi/v2') return { body: v2, headers: { ...json, ETag: `"${v2Tag}"` } };
    if (path === '/openapi/v3') return { body: root, headers: json };
    const g = groups.get(path.replace(/^\/openapi\/v3\//, ''));
    if (g)
      return { body: g.body, headers: { ...json, ETag: `"${g.tag}"`, 'Cache-Control': 'public, immutable' } };
    return undefined;
  };
}
