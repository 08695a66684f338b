// ResourceStore against a real etcd, under a key prefix of its own per test. The etcd is this
// file's own (the platform's binary and TLS): the compaction test compacts the whole keyspace,
// which no other test may see.

import { randomBytes } from 'node:crypto';
import t from 'tap';
import { WatchCache } from '../../../apiserver/src/storage/cacher.ts';
import type { StoredObject, StoreWatchEvent } from '../../../apiserver/src/storage/object-store.ts';
import { ResourceStore } from '../../../apiserver/src/storage/store.ts';
import { StatusError } from '../../../common/apis/meta/errors.ts';
import { eventually } from '../../support/cluster.ts';
import { privateEtcd } from '../../support/private-etcd.ts';

const etcd = (await privateEtcd(t)).client();
t.teardown(() => etcd.close());

interface Thing extends StoredObject {
  spec: { n: number };
}

function newStore(): ResourceStore<Thing> {
  return new ResourceStore<Thing>(etcd, `/kubehpc-e2e/${randomBytes(4).toString('hex')}/`, {
    group: 'test.kubehpc.dev',
    resource: 'things',
  });
}

function thing(name: string, n = 0, namespace = 'ns'): Thing {
  return { metadata: { name, namespace }, spec: { n } };
}

async function statusOf(promise: Promise<unknown>): Promise<{ code: number; reason: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StatusError) return { code: error.code, reason: error.status.reason };
    throw error;
  }
  throw new Error('expected a StatusError');
}

t.test('create, get, AlreadyExists, NotFound; resourceVersion is the etcd revision', async (t) => {
  const store = newStore();
  const created = await store.create('ns', 'a', thing('a', 1));
  const rv = Number(created.metadata.resourceVersion);
  t.ok(rv > 0);
  const read = await store.get('ns', 'a');
  t.equal(read.metadata.resourceVersion, created.metadata.resourceVersion);
  t.equal(read.spec.n, 1);
  t.same(await statusOf(store.create('ns', 'a', thing('a'))), { code: 409, reason: 'AlreadyExists' });
  t.same(await statusOf(store.get('ns', 'missing')), { code: 404, reason: 'NotFound' });
});

t.test('updates are compare-and-swap: concurrent writers all land, none is lost', async (t) => {
  const store = newStore();
  await store.create('ns', 'c', thing('c', 0));
  await Promise.all(
    Array.from({ length: 8 }, () =>
      store.update('ns', 'c', (current) => ({ ...current, spec: { n: current.spec.n + 1 } })),
    ),
  );
  t.equal((await store.get('ns', 'c')).spec.n, 8);
});

t.test('an update whose transform rejects a stale resourceVersion changes nothing', async (t) => {
  const store = newStore();
  const created = await store.create('ns', 'u', thing('u', 0));
  await store.update('ns', 'u', (c) => ({ ...c, spec: { n: 1 } }));
  const stale = created.metadata.resourceVersion;
  const outcome = await statusOf(
    store.update('ns', 'u', (current) => {
      if (current.metadata.resourceVersion !== stale) throw new StatusError({ ...conflictStatus });
      return { ...current, spec: { n: 99 } };
    }),
  );
  t.equal(outcome.code, 409);
  t.equal((await store.get('ns', 'u')).spec.n, 1);
});

const conflictStatus = {
  kind: 'Status' as const,
  apiVersion: 'v1' as const,
  metadata: {},
  status: 'Failure' as const,
  message: 'stale',
  reason: 'Conflict' as const,
  code: 409,
};

t.test('an unchanged update writes nothing and keeps the resourceVersion', async (t) => {
  const store = newStore();
  const created = await store.create('ns', 'same', thing('same', 3));
  const after = await store.update('ns', 'same', (c) => c);
  t.equal(after.metadata.resourceVersion, created.metadata.resourceVersion);
});

t.test('delete honours the precondition check and returns the last state', async (t) => {
  const store = newStore();
  await store.create('ns', 'd', thing('d', 5));
  const refused = await statusOf(
    store.delete('ns', 'd', () => {
      throw new StatusError({ ...conflictStatus });
    }),
  );
  t.equal(refused.code, 409);
  t.equal((await store.get('ns', 'd')).spec.n, 5, 'still there after a failed precondition');
  const gone = await store.delete('ns', 'd');
  t.equal(gone.spec.n, 5);
  t.same(await statusOf(store.get('ns', 'd')), { code: 404, reason: 'NotFound' });
  t.same(await statusOf(store.delete('ns', 'd')), { code: 404, reason: 'NotFound' });
});

t.test('list pages with limit/continue over one snapshot', async (t) => {
  const store = newStore();
  for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create('ns', name, thing(name));
  await store.create('other', 'z', thing('z', 0, 'other'));
  const first = await store.list('ns', { limit: 2 });
  t.same(
    first.items.map((i) => i.metadata.name),
    ['a', 'b'],
  );
  t.equal(first.remainingItemCount, 3);
  t.ok(first.continue);
  // Changes after the snapshot must not show in later pages.
  await store.create('ns', 'c2', thing('c2'));
  await store.delete('ns', 'e');
  const second = await store.list('ns', { limit: 2, continue: first.continue as string });
  t.same(
    second.items.map((i) => i.metadata.name),
    ['c', 'd'],
  );
  t.equal(second.resourceVersion, first.resourceVersion);
  const third = await store.list('ns', { limit: 2, continue: second.continue as string });
  t.same(
    third.items.map((i) => i.metadata.name),
    ['e'],
  );
  t.equal(third.continue, undefined);
  const all = await store.list(undefined);
  t.same(
    all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`),
    ['ns/a', 'ns/b', 'ns/c', 'ns/c2', 'ns/d', 'other/z'],
  );
  t.same(await statusOf(store.list('ns', { continue: 'not-a-token' })), { code: 400, reason: 'BadRequest' });
});

t.test(
  'more than gRPC’s 4 MiB of objects: a list without limit and the watch cache read them all',
  async (t) => {
    // Seven objects of 800 KB each: one range answer of 5.6 MB, over gRPC's default limit.
    const store = newStore();
    const blob = 'x'.repeat(800_000);
    const names = Array.from({ length: 7 }, (_, i) => `big-${i}`);
    for (const name of names) {
      await store.create('ns', name, { metadata: { name, namespace: 'ns' }, spec: { n: 0, blob } } as Thing);
    }
    const listed = await store.list('ns');
    t.same(
      listed.items.map((o) => o.metadata.name),
      names,
    );
    t.ok(
      listed.items.every((o) => (o.spec as { blob?: string }).blob === blob),
      'every object whole',
    );
    const errors: string[] = [];
    const cache = new WatchCache(store, etcd, store.root, {
      retryMs: 60_000,
      onError: (m) => errors.push(m),
    });
    await cache.start();
    t.teardown(() => cache.stop());
    t.ok(cache.synced, `the cache synced (errors: ${errors.join('; ') || 'none'})`);
    t.same(
      (await cache.list('ns')).items.map((o) => o.metadata.name),
      names,
    );
  },
);

t.test('the watch cache answers consistent reads on a quiet etcd and after writes elsewhere', async (t) => {
  // etcd 3.6 drops a progress request while no write has happened since the watch's start
  // revision, or while the watcher is catching up: a read must not wait for one forever.
  const store = newStore();
  await store.create('ns', 'q', thing('q', 1));
  const errors: string[] = [];
  const cache = new WatchCache(store, etcd, store.root, {
    freshnessTimeoutMs: 120_000,
    onError: (m) => errors.push(m),
  });
  await cache.start();
  t.teardown(() => cache.stop());
  t.equal((await cache.get('ns', 'q')).spec.n, 1, 'read before any later write');
  t.equal((await cache.list('ns')).items.length, 1);
  // A write under another prefix: only a progress notification moves the cache past it.
  const elsewhere = newStore();
  const other = await elsewhere.create('ns', 'o', thing('o'));
  const listed = await cache.list(undefined);
  t.ok(Number(listed.resourceVersion) >= Number(other.metadata.resourceVersion), 'at or after that write');
  const updated = await store.update('ns', 'q', (c) => ({ ...c, spec: { n: 2 } }));
  const read = await cache.get('ns', 'q');
  t.equal(
    read.metadata.resourceVersion,
    updated.metadata.resourceVersion,
    'the acknowledged write is read back',
  );
  t.same(errors, [], 'no read gave up on the cache');
});

t.test('watch from a revision sees every later change in order', async (t) => {
  const store = newStore();
  const before = await store.create('ns', 'w0', thing('w0'));
  const events: StoreWatchEvent<Thing>[] = [];
  const watch = store.watch(
    'ns',
    Number(before.metadata.resourceVersion),
    (e) => events.push(e),
    () => undefined,
  );
  t.teardown(() => watch.stop());
  const created = await store.create('ns', 'w1', thing('w1', 1));
  const updated = await store.update('ns', 'w1', (c) => ({ ...c, spec: { n: 2 } }));
  const deleted = await store.delete('ns', 'w1');
  await eventually(
    'three events',
    async () => (events.filter((e) => e.type !== 'BOOKMARK').length >= 3 ? true : undefined),
    10_000,
  );
  const changes = events.filter((e) => e.type !== 'BOOKMARK');
  t.same(
    changes.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]),
    [
      ['ADDED', 'w1', created.metadata.resourceVersion],
      ['MODIFIED', 'w1', updated.metadata.resourceVersion],
      ['DELETED', 'w1', deleted.metadata.resourceVersion],
    ],
  );
  t.equal(changes[1]?.object.spec.n, 2);
});

t.test('a watch or a continued list from a compacted revision ends with 410 Expired', async (t) => {
  const store = newStore();
  const old = await store.create('ns', 'x', thing('x'));
  await store.create('ns', 'y', thing('y'));
  const page = await store.list('ns', { limit: 1 });
  const later = await store.update('ns', 'y', (c) => ({ ...c, spec: { n: 1 } }));
  // etcd compacts on its own every few minutes; compacting to a recent revision is the same.
  await etcd.compact(Number(later.metadata.resourceVersion));
  const ended = await new Promise<StatusError>((resolve) => {
    store.watch('ns', Number(old.metadata.resourceVersion), () => undefined, resolve);
  });
  t.equal(ended.code, 410);
  t.equal(ended.status.reason, 'Expired');
  t.same(await statusOf(store.list('ns', { continue: page.continue as string })), {
    code: 410,
    reason: 'Expired',
  });
});
