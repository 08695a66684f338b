// What a request is about, from its method, path and query alone — the equivalent of
// k8s.io/apiserver's RequestInfoFactory: resource or non-resource, verb (get, list, watch,
// create, update, patch, delete, deletecollection), group, version, namespace, resource,
// subresource and name. Authorization, metrics and routing all read this one answer. Pure.

export interface ResourceRequestInfo {
  isResourceRequest: true;
  verb: string;
  path: string;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

export function requestInfo(method: string, url: string): RequestInfo {
  const parsed = new URL(url, 'https://localhost');
  const path = parsed.pathname;
  const httpVerb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'apis' || parts.length < 4) return { isResourceRequest: false, verb: httpVerb, path };
  const [, group, version, ...rest] = parts as [string, string, string, ...string[]];
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [resource, name, subresource] = rest;
  if (resource === undefined || rest.length > 3) return { isResourceRequest: false, verb: httpVerb, path };
  let verb = httpVerb;
  const watch = parsed.searchParams.get('watch');
  if (name === undefined) {
    if (verb === 'get') verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    if (verb === 'delete') verb = 'deletecollection';
  } else if (verb === 'get' && (watch === 'true' || watch === '1')) {
    verb = 'watch';
  }
  return {
    isResourceRequest: true,
    verb,
    path,
    group,
    version,
    ...(namespace !== undefined ? { namespace } : {}),
    resource,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
