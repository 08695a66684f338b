import t from 'tap';
import { requestInfo } from '../../../../apiserver/src/server/requestinfo.ts';

const base = '/apis/apps.kubehpc.dev/v1alpha1';

t.test('resource requests: verb, namespace, resource, name and subresource', async (t) => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'GET',
      `${base}/namespaces/ns/projectservices`,
      { verb: 'list', namespace: 'ns', resource: 'projectservices' },
    ],
    ['GET', `${base}/namespaces/ns/projectservices?watch=true`, { verb: 'watch', namespace: 'ns' }],
    ['GET', `${base}/namespaces/ns/projectservices/p`, { verb: 'get', name: 'p' }],
    [
      'GET',
      `${base}/namespaces/ns/projectservices/p/scale`,
      { verb: 'get', name: 'p', subresource: 'scale' },
    ],
    ['PUT', `${base}/namespaces/ns/projectservices/p/status`, { verb: 'update', subresource: 'status' }],
    ['PATCH', `${base}/namespaces/ns/projectservices/p`, { verb: 'patch' }],
    ['POST', `${base}/namespaces/ns/projectservices`, { verb: 'create' }],
    ['DELETE', `${base}/namespaces/ns/projectservices/p`, { verb: 'delete' }],
    ['DELETE', `${base}/namespaces/ns/projectservices`, { verb: 'deletecollection' }],
    ['GET', `${base}/projectservices`, { verb: 'list', resource: 'projectservices' }],
  ];
  for (const [method, url, expected] of cases) {
    const info = requestInfo(method, url);
    t.equal(info.isResourceRequest, true, `${method} ${url} is a resource request`);
    t.match(info, { group: 'apps.kubehpc.dev', version: 'v1alpha1', ...expected }, `${method} ${url}`);
  }
  t.notOk(
    'namespace' in requestInfo('GET', `${base}/projectservices`),
    'cluster-wide lists have no namespace',
  );
});

t.test('everything else is a non-resource request with the HTTP verb', async (t) => {
  for (const url of ['/apis', '/apis/apps.kubehpc.dev', `${base}`, '/openapi/v2', '/metrics', '/readyz']) {
    t.same(requestInfo('GET', url), { isResourceRequest: false, verb: 'get', path: url.split('?')[0] });
  }
  t.equal(requestInfo('GET', `${base}/namespaces/ns/projectservices/p/scale/extra`).isResourceRequest, false);
});
