// Two server processes over the same etcd behave as one API: what is written through one is
// read and watched through the other, concurrent updates of one object through both give
// exactly one success and one 409 Conflict, and no acknowledged write is lost.

import t from 'tap';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { call, freshPrefix, openWatch, PS_PATH, projectService, spawnServer } from './support.ts';

const prefix = freshPrefix();
const [a, b] = await Promise.all([spawnServer(prefix), spawnServer(prefix)]);
if (!a || !b) throw new Error('two replicas expected');
t.teardown(() => Promise.all([a.stop(), b.stop()]));
const ns = await testNamespace(t, 'replicas');

interface Meta {
  name: string;
  uid: string;
  resourceVersion: string;
  annotations?: Record<string, string>;
}
const meta = (o: Record<string, unknown>) => o.metadata as Meta;

t.test('a write through one replica is read and watched through the other', async (t) => {
  const listed = await call(b.port, 'GET', PS_PATH(ns));
  const from = (listed.json.metadata as { resourceVersion: string }).resourceVersion;
  const watch = openWatch(b.port, `${PS_PATH(ns)}?watch=true&resourceVersion=${from}`);
  t.teardown(() => watch.stop());
  await eventually('the watch on b to open', async () => (watch.status() === 200 ? true : undefined));

  const created = await call(a.port, 'POST', PS_PATH(ns), { body: projectService('shared') });
  t.equal(created.status, 201);
  const read = await call(b.port, 'GET', PS_PATH(ns, 'shared'));
  t.equal(read.status, 200);
  t.equal(meta(read.json).uid, meta(created.json).uid);
  t.equal(meta(read.json).resourceVersion, meta(created.json).resourceVersion, 'one revision for both');

  const patched = await call(a.port, 'PATCH', PS_PATH(ns, 'shared'), {
    body: { spec: { replicas: 5 } },
    contentType: 'application/merge-patch+json',
  });
  t.equal(patched.status, 200);
  await eventually('both events on b', async () => (watch.events.length >= 2 ? true : undefined));
  t.same(
    watch.events.map((e) => [e.type, meta(e.object).resourceVersion]),
    [
      ['ADDED', meta(created.json).resourceVersion],
      ['MODIFIED', meta(patched.json).resourceVersion],
    ],
  );
});

t.test('concurrent updates through both replicas: one wins, one gets 409', async (t) => {
  const rounds = 20;
  const winners: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const current = await call(a.port, 'GET', PS_PATH(ns, 'shared'));
    const update = (writer: string, port: number) => {
      const body = structuredClone(current.json);
      meta(body).annotations = { ...meta(body).annotations, writer: `${writer}-${round}` };
      return call(port, 'PUT', PS_PATH(ns, 'shared'), { body }).then((r) => ({ writer, r }));
    };
    const results = await Promise.all([update('a', a.port), update('b', b.port)]);
    const codes = results.map(({ r }) => r.status).sort();
    t.same(codes, [200, 409], `round ${round}: exactly one success`);
    const loser = results.find(({ r }) => r.status === 409);
    t.equal(loser?.r.json.reason, 'Conflict');
    const winner = results.find(({ r }) => r.status === 200);
    if (!winner) continue;
    winners.push(winner.writer);
    for (const port of [a.port, b.port]) {
      const seen = await call(port, 'GET', PS_PATH(ns, 'shared'));
      t.equal(meta(seen.json).annotations?.writer, `${winner.writer}-${round}`, 'the winning write is kept');
      t.equal(meta(seen.json).resourceVersion, meta(winner.r.json).resourceVersion);
    }
  }
  t.equal(winners.length, rounds);
});

t.test('no acknowledged write is lost when both replicas write at once', async (t) => {
  const names = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
  const results = await Promise.all(
    names.map((name, i) =>
      call(i % 2 === 0 ? a.port : b.port, 'POST', PS_PATH(ns), { body: projectService(name) }).then((r) => ({
        name,
        status: r.status,
      })),
    ),
  );
  const acknowledged = results.filter((r) => r.status === 201).map((r) => r.name);
  t.same(acknowledged.sort(), [...names].sort(), 'every create was acknowledged');
  for (const port of [a.port, b.port]) {
    const list = await call(port, 'GET', PS_PATH(ns));
    const listed = (list.json.items as Array<Record<string, unknown>>).map((o) => meta(o).name);
    t.same(
      listed.filter((n) => n.startsWith('burst-')).sort(),
      [...acknowledged].sort(),
      'each replica lists every acknowledged write',
    );
  }
});
