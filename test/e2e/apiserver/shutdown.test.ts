// Graceful shutdown of a server process: on SIGTERM it ends its open watches cleanly (the
// response finishes, so a client relists on another replica instead of seeing a broken
// connection) and exits 0; writes it acknowledged before are all in etcd.

import t from 'tap';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { call, freshPrefix, openWatch, PS_PATH, projectService, spawnServer } from './support.ts';

const prefix = freshPrefix();
const [doomed, survivor] = await Promise.all([spawnServer(prefix), spawnServer(prefix)]);
if (!doomed || !survivor) throw new Error('two replicas expected');
t.teardown(() => survivor.stop());
const ns = await testNamespace(t, 'shutdown');

t.test('SIGTERM ends watches cleanly and loses no acknowledged write', async (t) => {
  const watch = openWatch(doomed.port, `${PS_PATH(ns)}?watch=true`);
  t.teardown(() => watch.stop());
  await eventually('the watch to open', async () => (watch.status() === 200 ? true : undefined));
  const created: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await call(doomed.port, 'POST', PS_PATH(ns), { body: projectService(`before-${i}`) });
    t.equal(res.status, 201);
    created.push(`before-${i}`);
  }
  await eventually('the five events', async () => (watch.events.length >= 5 ? true : undefined));
  const code = await doomed.stop();
  t.equal(code, 0, 'the process exits 0');
  await eventually('the watch to end', async () => (watch.ended() ? true : undefined), 10_000);
  t.ok(watch.endedCleanly(), 'the watch response was finished, not cut');
  const listed = await call(survivor.port, 'GET', PS_PATH(ns));
  const names = (listed.json.items as Array<{ metadata: { name: string } }>)
    .map((i) => i.metadata.name)
    .sort();
  t.same(names, created, 'every acknowledged write is there, read through the other replica');
});
