// A @kubernetes/client-node informer lists and watches ProjectServices and keeps up through
// a server restart during which etcd compacts past its resourceVersion: the re-watch gets
// 410 Expired, the informer relists, and nothing is missed.

import { join } from 'node:path';
import { CustomObjectsApi, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import t from 'tap';
import { EtcdClient } from '../../../apiserver/src/storage/etcd/client.ts';
import { eventually, platform, testNamespace } from '../../support/cluster.ts';
import { adminConfigFor, call, PS_PATH, projectService, startTestServer } from './support.ts';

const ns = await testNamespace(t, 'informer');
let a = await startTestServer();
const port = a.port;
const b = await startTestServer({ prefix: a.prefix });
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
  const etcd = new EtcdClient({
    endpoint: `https://127.0.0.1:${platform.ports.etcdClient}`,
    caFile: join(platform.pkiDir, 'ca.crt'),
    certFile: join(platform.pkiDir, 'kubehpc-apiserver-etcd-client.crt'),
    keyFile: join(platform.pkiDir, 'kubehpc-apiserver-etcd-client.key'),
  });
  const latest = await etcd.range({ key: a.prefix, prefix: true, countOnly: true });
  await etcd.compact(latest.revision);
  etcd.close();
  a = await startTestServer({ prefix: a.prefix, port });

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
