// Request metric labels: what a client puts in the URL becomes a label only when it names
// something the server serves, so made-up paths cannot grow the registry without bound.

import t from 'tap';
import { STRATEGIES } from '../../../../apiserver/src/registry/served.ts';
import {
  requestLabels,
  servedKey,
  servedResources,
  serverMetrics,
} from '../../../../apiserver/src/server/metrics.ts';
import { requestInfo } from '../../../../apiserver/src/server/requestinfo.ts';

const served = servedResources(STRATEGIES);
const ps = '/apis/apps.kubehpc.dev/v1alpha1/namespaces/ns/projectservices';
const sp = '/apis/scaling.kubehpc.dev/v1alpha1/namespaces/ns/scalingpolicies';

t.test('the served set: each resource with status, and scale where the kind maps it', async (t) => {
  t.ok(served.has(servedKey('apps.kubehpc.dev', 'v1alpha1', 'projectservices')));
  t.ok(served.has(servedKey('apps.kubehpc.dev', 'v1alpha1', 'projectservices', 'status')));
  t.ok(served.has(servedKey('apps.kubehpc.dev', 'v1alpha1', 'projectservices', 'scale')));
  t.ok(served.has(servedKey('scaling.kubehpc.dev', 'v1alpha1', 'scalingpolicies', 'status')));
  t.notOk(served.has(servedKey('scaling.kubehpc.dev', 'v1alpha1', 'scalingpolicies', 'scale')));
});

t.test('a served resource keeps its labels', async (t) => {
  t.same(requestLabels(requestInfo('GET', `${ps}/p/scale`), served), {
    verb: 'GET',
    group: 'apps.kubehpc.dev',
    version: 'v1alpha1',
    resource: 'projectservices',
    subresource: 'scale',
    scope: 'resource',
    component: 'apiserver',
  });
  t.match(requestLabels(requestInfo('GET', ps), served), {
    verb: 'LIST',
    resource: 'projectservices',
    scope: 'namespace',
  });
  t.match(requestLabels(requestInfo('PUT', `${sp}/x/status`), served), {
    resource: 'scalingpolicies',
    subresource: 'status',
  });
});

t.test('made-up groups, versions, resources and subresources are blank', async (t) => {
  const blank = { group: '', version: '', resource: '', subresource: '' };
  for (const url of [
    '/apis/made.up/v1/namespaces/ns/things/x',
    '/apis/apps.kubehpc.dev/v9/namespaces/ns/projectservices/x',
    '/apis/apps.kubehpc.dev/v1alpha1/namespaces/ns/gadgets/x',
    `${ps}/x/made-up`,
    `${sp}/x/scale`,
    '/metrics',
  ])
    t.match(requestLabels(requestInfo('GET', url), served), blank, url);
});

t.test('a flood of made-up URLs adds a bounded number of series', async (t) => {
  const metrics = serverMetrics();
  for (let i = 0; i < 2_000; i++) {
    const url = `/apis/g${i}.example/v${i}/namespaces/ns${i}/r${i}/n${i}/s${i}?watch=${i % 2 === 0}`;
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const labels = requestLabels(requestInfo(method, url), served);
      metrics.requests.inc({ ...labels, code: '404' });
      metrics.duration.observe(labels, 0.001);
    }
  }
  const series = (await metrics.requests.get()).values.length;
  t.ok(series <= 10, `${series} series for 10,000 requests to 2,000 made-up resources`);
});
