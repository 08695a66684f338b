// The resources kubehpc's tools talk to, and typed calls over KubeClient: where each lives
// (group, version, plural), how its URL is spelled, and get/list/apply/delete/scale on it.

import { API_VERSION, APPS_GROUP, NODE_RESOURCE_TOPOLOGY, SCALING_GROUP } from '../names.ts';
import type { KubeClient } from './client.ts';

export interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const r = (group: string, version: string, plural: string, kind: string, namespaced = true): Resource => ({
  group,
  version,
  plural,
  kind,
  namespaced,
});

export const PROJECT_SERVICES = r(APPS_GROUP, API_VERSION, 'projectservices', 'ProjectService');
export const SCALING_POLICIES = r(SCALING_GROUP, API_VERSION, 'scalingpolicies', 'ScalingPolicy');
export const PODS = r('', 'v1', 'pods', 'Pod');
export const EVENTS = r('', 'v1', 'events', 'Event');
export const NAMESPACES = r('', 'v1', 'namespaces', 'Namespace', false);
export const NODES = r('', 'v1', 'nodes', 'Node', false);
export const ROLE_BINDINGS = r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding');
export const CONTROLLER_REVISIONS = r('apps', 'v1', 'controllerrevisions', 'ControllerRevision');
export const NODE_TOPOLOGIES = r(
  NODE_RESOURCE_TOPOLOGY.group,
  NODE_RESOURCE_TOPOLOGY.version,
  NODE_RESOURCE_TOPOLOGY.plural,
  NODE_RESOURCE_TOPOLOGY.kind,
  false,
);

/** apiVersion as written in objects: "v1" or "group/version". */
export const apiVersionOf = (res: Resource) => (res.group ? `${res.group}/${res.version}` : res.version);

/** The URL path of a collection (namespace undefined: all namespaces) or of one object. Pure. */
export function resourcePath(
  res: Resource,
  namespace: string | undefined,
  name?: string,
  sub?: string,
): string {
  const root = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  const ns = res.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const one = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${root}${ns}/${res.plural}${one}${sub ? `/${sub}` : ''}`;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface List<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  limit?: number | undefined;
}

/** The Accept header asking for a server-side Table (kubectl's, with JSON as fallback). */
export const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export type DryRun = 'none' | 'client' | 'server';

export function typed(client: KubeClient) {
  return {
    get: <T = KubeObject>(res: Resource, ns: string | undefined, name: string) =>
      client.request<T>('GET', resourcePath(res, ns, name)),
    list: <T = KubeObject>(res: Resource, ns: string | undefined, o: ListOptions = {}) =>
      client.request<List<T>>('GET', resourcePath(res, ns), { query: { ...o } }),
    /** A Table (meta.k8s.io/v1) of one object or a collection. */
    table: (res: Resource, ns: string | undefined, name?: string, o: ListOptions = {}) =>
      client.request<unknown>('GET', resourcePath(res, ns, name), {
        accept: TABLE_ACCEPT,
        query: { ...o, includeObject: 'Object' },
      }),
    /** Server-side apply of exactly the fields in `body`, under `fieldManager`. */
    apply: <T = KubeObject>(
      res: Resource,
      ns: string | undefined,
      name: string,
      body: unknown,
      o: { fieldManager: string; force?: boolean; dryRun?: boolean },
    ) =>
      client.request<T>('PATCH', resourcePath(res, ns, name), {
        body,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: o.fieldManager, force: o.force, dryRun: o.dryRun ? 'All' : undefined },
      }),
    create: <T = KubeObject>(res: Resource, ns: string | undefined, body: unknown, dryRun = false) =>
      client.request<T>('POST', resourcePath(res, ns), {
        body,
        query: { dryRun: dryRun ? 'All' : undefined },
      }),
    mergePatch: <T = KubeObject>(
      res: Resource,
      ns: string | undefined,
      name: string,
      body: unknown,
      o: { sub?: string; dryRun?: boolean; fieldManager?: string } = {},
    ) =>
      client.request<T>('PATCH', resourcePath(res, ns, name, o.sub), {
        body,
        contentType: 'application/merge-patch+json',
        query: { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager },
      }),
    delete: (res: Resource, ns: string | undefined, name: string, dryRun = false) =>
      client.request<unknown>('DELETE', resourcePath(res, ns, name), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
        query: { dryRun: dryRun ? 'All' : undefined },
      }),
  };
}

export type Typed = ReturnType<typeof typed>;
