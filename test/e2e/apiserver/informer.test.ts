// A @kubernetes/client-node informer lists and watches ProjectServices and keeps up through
// a server restart during which etcd compacts past its resourceVersion: the re-watch gets
// 410 Expired, the informer relists, and nothing is missed.

import { CustomObjectsApi, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import t from 'tap';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { privateEtcd } from '../../support/private-etcd.ts';
import { adminConfigFor, call, PS_PATH, projectService, startTestServer } from './support.ts';

const ns = await testNamespace(t, 'informer');
// The compaction below is of the whole keyspace: an etcd of this test's own.
const etcd = await privateEtcd(t);
let a = await startTestServer({ etcd: etcd.endpoint });
const port = a.port;
const b = await startTestServer({ prefix: a.prefix, etcd: etcd.endpoint });
t.teardown(async () => {
  await a.running.stop();
  await b.running.stop();
});

const kc = adminConfigFor(port);
let lists = 0;
const api = kc.makeApiClient(CustomObjectsApi);
const informer = makeInformer<KubernetesObject>(
  kc,
  `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`,
  () => {
    lists++;
    return api.listNamespacedCustomObject({
      group: 'apps.kubehpc.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'projectservices',
    });
  },
);
const seen = new Set<string>();
informer.on('add', (o) => seen.add(o.metadata?.name ?? ''));
let stopped = false;
// The documented client-node pattern: restart after an error (here: the server is down).
informer.on('error', () => {
  if (!stopped) setTimeout(() => void informer.start().catch(() => undefined), 200);
});
t.teardown(async () => {
  stopped = true;
  await informer.stop();
});

t.test('the informer keeps up through a restart and an etcd compaction', async (t) => {
  await informer.start();
  await call(port, 'POST', PS_PATH(ns), { body: projectService('first') });
  await eventually('first seen', async () => (seen.has('first') ? true : undefined), 20_000);
  t.equal(lists, 1);

  await a.running.stop();
  await call(b.port, 'POST', PS_PATH(ns), { body: projectService('second') });
  // A later write, so compacting at the latest revision removes the one after the informer's.
  await call(b.port, 'POST', PS_PATH(ns), { body: projectService('third') });
  const client = etcd.client();
  const latest = await client.range({ key: a.prefix, prefix: true, countOnly: true });
  await client.compact(latest.revision);
  client.close();
  a = await startTestServer({ prefix: a.prefix, port, etcd: etcd.endpoint });

  await eventually(
    'second seen after the relist',
    async () => (seen.has('second') ? true : undefined),
    30_000,
  );
  t.equal(lists, 2, 'the re-watch from a compacted resourceVersion got 410 and the informer relisted');
  t.same(
    informer
      .list()
      .map((o) => o.metadata?.name)
      .sort(),
    ['first', 'second', 'third'],
  );
});
