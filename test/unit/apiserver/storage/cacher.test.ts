import t, { type Test } from 'tap';
import { WatchCache } from '../../../../apiserver/src/storage/cacher.ts';
import type { EtcdClient } from '../../../../apiserver/src/storage/etcd/client.ts';
import type { StoreWatchEvent } from '../../../../apiserver/src/storage/object-store.ts';
import { ResourceStore } from '../../../../apiserver/src/storage/store.ts';
import type { StatusError } from '../../../../common/apis/meta/errors.ts';
import { FakeEtcd } from './fake-etcd.ts';

interface Obj {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec: { n: number };
}

const obj = (namespace: string, name: string, n = 0): Obj => ({ metadata: { name, namespace }, spec: { n } });
const rv = (o: { metadata: { resourceVersion?: string } }) => Number(o.metadata.resourceVersion);

async function setup(t: Test, options: ConstructorParameters<typeof WatchCache>[3] = {}) {
  const etcd = new FakeEtcd();
  const store = new ResourceStore<Obj>(etcd as unknown as EtcdClient, '/kubehpc/', {
    group: 'apps.kubehpc.dev',
    resource: 'projectservices',
  });
  const cache = new WatchCache(store, etcd, store.root, { retryMs: 1, ...options });
  await cache.start();
  // The cache's timers do not hold the process open (a server's sockets do); this test's must.
  const alive = setInterval(() => undefined, 1_000);
  t.teardown(() => {
    clearInterval(alive);
    cache.stop();
  });
  t.ok(cache.synced, 'the cache synced');
  return { etcd, store, cache };
}

/** Collects a watch's events; `until` resolves once the predicate holds over them. */
function collect(cache: WatchCache<Obj>, namespace: string | undefined, from: number, intervalMs?: number) {
  const events: StoreWatchEvent<Obj>[] = [];
  let ended: StatusError | undefined;
  const checks: Array<() => void> = [];
  const run = () => {
    for (const c of [...checks]) c();
  };
  const watch = cache.watch(
    namespace,
    from,
    (e) => {
      events.push(e);
      run();
    },
    (error) => {
      ended = error;
      run();
    },
    intervalMs,
  );
  return {
    events,
    ended: () => ended,
    stop: () => watch.stop(),
    until: (done: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!done()) return;
          checks.splice(checks.indexOf(check), 1);
          resolve();
        };
        checks.push(check);
        check();
      }),
  };
}

t.test('a stale watch never serves a read older than an acknowledged write', async (t) => {
  const { etcd, cache } = await setup(t);
  etcd.holdWatches();
  const created = await cache.create('a', 'x', obj('a', 'x', 1));
  let answered = false;
  const got = cache.get('a', 'x').then((o) => {
    answered = true;
    return o;
  });
  const listed = cache.list('a');
  // The cache's watch has not delivered the write: the read waits rather than answer 404.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  t.equal(answered, false, 'the read waits for the cache to catch up');
  etcd.releaseWatches();
  t.equal(rv(await got), rv(created));
  t.same(
    (await listed).items.map((o) => o.metadata.name),
    ['x'],
  );
  t.ok(Number((await listed).resourceVersion) >= rv(created), 'the list is at or after the write');

  // An update and a delete behind a lagging watch, read back at once.
  etcd.holdWatches();
  const updated = await cache.update('a', 'x', (o) => ({ ...o, spec: { n: 2 } }));
  const afterUpdate = cache.get('a', 'x');
  etcd.releaseWatches();
  t.same((await afterUpdate).spec, { n: 2 });
  t.equal(rv(await afterUpdate), rv(updated));
  etcd.holdWatches();
  await cache.delete('a', 'x');
  const afterDelete = cache.get('a', 'x').catch((e: StatusError) => e.code);
  etcd.releaseWatches();
  t.equal(await afterDelete, 404);
  t.same((await cache.list('a')).items, []);
});

t.test('writes elsewhere in etcd move the revision a consistent list reports', async (t) => {
  const { etcd, cache } = await setup(t);
  await cache.create('a', 'x', obj('a', 'x'));
  const elsewhere = await etcd.bump();
  const list = await cache.list(undefined);
  t.equal(Number(list.resourceVersion), elsewhere, 'the list is at the latest etcd revision, as before');
});

t.test('concurrent reads share one progress request', async (t) => {
  const { etcd, cache } = await setup(t);
  await cache.create('a', 'x', obj('a', 'x'));
  const before = etcd.progressRequests;
  const reads = await Promise.all(Array.from({ length: 20 }, () => cache.get('a', 'x')));
  t.equal(reads.length, 20);
  t.ok(
    etcd.progressRequests - before <= 2,
    `${etcd.progressRequests - before} progress requests for 20 reads`,
  );
});

t.test('concurrent reads share one revision read', async (t) => {
  const { etcd, cache } = await setup(t);
  await cache.create('a', 'x', obj('a', 'x'));
  const before = etcd.rangeRequests;
  await Promise.all(Array.from({ length: 20 }, () => cache.get('a', 'x')));
  t.ok(etcd.rangeRequests - before <= 2, `${etcd.rangeRequests - before} range requests for 20 reads`);
});

t.test('a read before any write since the cache started is answered from the cache at once', async (t) => {
  // etcd drops a progress request while its revision is below the watch's start revision:
  // a cache that waited for the notification would wait out its timeout on every read.
  const errors: string[] = [];
  const { etcd, cache } = await setup(t, { freshnessTimeoutMs: 60_000, onError: (m) => errors.push(m) });
  const before = etcd.progressRequests;
  const list = await cache.list(undefined);
  t.equal(Number(list.resourceVersion), etcd.revision);
  t.ok(etcd.progressRequests > before, 'a progress request was sent (and dropped)');
  t.same(errors, [], 'no read gave up on the cache');
});

t.test('a dropped progress request is sent again: later reads do not wait it out', async (t) => {
  const errors: string[] = [];
  const { etcd, cache } = await setup(t, {
    freshnessTimeoutMs: 60_000,
    progressResendMs: 5,
    onError: (m) => errors.push(m),
  });
  await cache.create('a', 'x', obj('a', 'x'));
  // A write elsewhere: only a progress notification tells the cache it has seen everything.
  etcd.dropProgress = true;
  const elsewhere = await etcd.bump();
  let answered = false;
  const first = cache.list(undefined).then((l) => {
    answered = true;
    return l;
  });
  const sent = etcd.progressRequests;
  while (etcd.progressRequests < sent + 3) await new Promise((r) => setTimeout(r, 1));
  t.equal(answered, false, 'the read waits while etcd drops the requests');
  etcd.dropProgress = false;
  t.equal(Number((await first).resourceVersion), elsewhere, 'answered once a request got through');
  const second = await cache.list(undefined);
  t.equal(Number(second.resourceVersion), elsewhere);
  t.same(errors, [], 'no read gave up on the cache');
});

t.test('a write between the progress answer and the revision read is caught up at once', async (t) => {
  // Progress is asked for together with the revision read; when etcd answers it before a write
  // the read then sees, the read must ask again rather than wait for the resend interval.
  const errors: string[] = [];
  const { etcd, cache } = await setup(t, {
    freshnessTimeoutMs: 60_000,
    progressResendMs: 60_000,
    onError: (m) => errors.push(m),
  });
  await cache.create('a', 'x', obj('a', 'x'));
  const range = etcd.range.bind(etcd);
  let writeFirst = true;
  etcd.range = async (req) => {
    if (writeFirst && !req.prefix) {
      writeFirst = false;
      await etcd.bump();
    }
    return range(req);
  };
  const before = etcd.progressRequests;
  const list = await cache.list(undefined);
  t.equal(Number(list.resourceVersion), etcd.revision, 'at the write the revision read saw');
  t.equal(etcd.progressRequests - before, 2, 'asked once with the read and once after it');
  t.same(errors, []);
});

t.test('a watch sees events in revision order, with the previous object of a change', async (t) => {
  const { cache } = await setup(t);
  const start = Number((await cache.list(undefined)).resourceVersion);
  const w = collect(cache, 'a', start);
  t.teardown(w.stop);
  const a1 = await cache.create('a', 'x', obj('a', 'x', 1));
  await cache.create('b', 'other', obj('b', 'other'));
  const a2 = await cache.update('a', 'x', (o) => ({ ...o, spec: { n: 2 } }));
  const y = await cache.create('a', 'y', obj('a', 'y'));
  const gone = await cache.delete('a', 'x');
  await w.until(() => w.events.length >= 4);
  t.same(
    w.events.map((e) => [e.type, e.object.metadata.name, rv(e.object)]),
    [
      ['ADDED', 'x', rv(a1)],
      ['MODIFIED', 'x', rv(a2)],
      ['ADDED', 'y', rv(y)],
      ['DELETED', 'x', rv(gone)],
    ],
    'only namespace a, in order, each at its revision',
  );
  t.same(w.events[1]?.previous?.spec, { n: 1 });
  // A second watch from the middle of the history replays only what came after.
  const late = collect(cache, undefined, rv(a2));
  t.teardown(late.stop);
  await late.until(() => late.events.length >= 2);
  t.same(
    late.events.map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'y'],
      ['DELETED', 'x'],
    ],
  );
});

t.test('a list pages with continue tokens over one revision', async (t) => {
  const { cache } = await setup(t);
  for (const name of ['a', 'b', 'c', 'd', 'e']) await cache.create('ns', name, obj('ns', name));
  await cache.create('ns2', 'z', obj('ns2', 'z'));
  const first = await cache.list('ns', { limit: 2 });
  t.same(
    first.items.map((o) => o.metadata.name),
    ['a', 'b'],
  );
  t.equal(first.remainingItemCount, 3);
  t.type(first.continue, 'string');
  // A write between pages does not show: the next page is read at the first page's revision.
  await cache.create('ns', 'c2', obj('ns', 'c2'));
  await cache.delete('ns', 'd');
  const second = await cache.list('ns', { limit: 2, continue: first.continue as string });
  t.same(
    second.items.map((o) => o.metadata.name),
    ['c', 'd'],
  );
  t.equal(second.resourceVersion, first.resourceVersion);
  const third = await cache.list('ns', { continue: second.continue as string });
  t.same(
    third.items.map((o) => o.metadata.name),
    ['e'],
  );
  t.equal(third.continue, undefined);
  const all = await cache.list(undefined);
  t.same(
    all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ['ns/a', 'ns/b', 'ns/c', 'ns/c2', 'ns/e', 'ns2/z'],
  );
});

t.test('a list at an exact resourceVersion is that revision, not the latest', async (t) => {
  const { cache } = await setup(t);
  const v1 = await cache.create('a', 'x', obj('a', 'x', 1));
  await cache.update('a', 'x', (o) => ({ ...o, spec: { n: 2 } }));
  const old = await cache.list('a', { revision: rv(v1) });
  t.same(
    old.items.map((o) => o.spec),
    [{ n: 1 }],
  );
  t.equal(Number(old.resourceVersion), rv(v1));
});

t.test('410 Expired for a compacted revision, from a watch and from a continued list', async (t) => {
  const { etcd, cache } = await setup(t);
  const first = await cache.create('a', 'x', obj('a', 'x'));
  await cache.create('a', 'y', obj('a', 'y'));
  const page = await cache.list('a', { limit: 1 });
  await cache.update('a', 'x', (o) => ({ ...o, spec: { n: 5 } }));
  const later = await cache.update('a', 'y', (o) => ({ ...o, spec: { n: 5 } }));
  await etcd.compact(rv(later));
  const w = collect(cache, 'a', rv(first));
  await w.until(() => w.ended() !== undefined);
  t.equal(w.ended()?.code, 410);
  t.equal(w.events.length, 0, 'nothing replayed from a compacted revision');
  await t.rejects(cache.list('a', { continue: page.continue as string }), { code: 410 });
  // The revision just before the compaction point still watches, as etcd allows.
  const edge = collect(cache, 'a', rv(later) - 1);
  t.teardown(edge.stop);
  await edge.until(() => edge.events.length >= 1);
  t.same(
    edge.events.map((e) => e.object.metadata.name),
    ['y'],
  );
  t.equal(edge.ended(), undefined);
});

t.test('a watch from before the history kept in memory is served by etcd', async (t) => {
  const { cache } = await setup(t, { historySize: 2 });
  const first = await cache.create('a', 'x', obj('a', 'x'));
  for (let n = 1; n <= 4; n++) await cache.update('a', 'x', (o) => ({ ...o, spec: { n } }));
  const w = collect(cache, 'a', rv(first));
  t.teardown(w.stop);
  await w.until(() => w.events.length >= 4);
  t.same(
    w.events.map((e) => e.object.spec.n),
    [1, 2, 3, 4],
  );
});

t.test('bookmarks carry the revision etcd confirmed, after the events before it', async (t) => {
  const { etcd, cache } = await setup(t);
  const start = Number((await cache.list(undefined)).resourceVersion);
  const w = collect(cache, 'a', start, 5);
  t.teardown(w.stop);
  const written = await cache.create('a', 'x', obj('a', 'x'));
  const elsewhere = await etcd.bump();
  await w.until(() => w.events.some((e) => e.type === 'BOOKMARK' && rv(e.object) >= elsewhere));
  const added = w.events.findIndex((e) => e.type === 'ADDED');
  const bookmark = w.events.findIndex((e) => e.type === 'BOOKMARK' && rv(e.object) >= rv(written));
  t.ok(added >= 0 && added < bookmark, 'the event came before the bookmark that covers it');
});

t.test('a lost etcd watch ends cache watches, reads go to etcd, and the cache resyncs', async (t) => {
  const { etcd, cache } = await setup(t);
  const start = Number((await cache.list(undefined)).resourceVersion);
  const w = collect(cache, undefined, start);
  await cache.create('a', 'before', obj('a', 'before'));
  await w.until(() => w.events.length === 1);
  etcd.failWatches();
  await w.until(() => w.ended() !== undefined);
  t.equal(w.ended()?.code, 503);
  t.equal(cache.synced, false);
  const created = await cache.create('a', 'x', obj('a', 'x'));
  t.equal(rv(await cache.get('a', 'x')), rv(created), 'read while unsynced comes from etcd');
  await new Promise<void>((resolve) => {
    const poll = () => (cache.synced ? resolve() : setImmediate(poll));
    poll();
  });
  t.equal(rv(await cache.get('a', 'x')), rv(created), 'read after resync comes from the cache');
});

t.test('cached objects are frozen: a reader cannot change what others read', async (t) => {
  const { cache } = await setup(t);
  await cache.create('a', 'x', obj('a', 'x', 1));
  const got = await cache.get('a', 'x');
  t.throws(() => {
    (got.spec as { n: number }).n = 9;
  }, TypeError);
  t.same((await cache.get('a', 'x')).spec, { n: 1 });
});

t.test('reads the cache answers are reported as storage operations of the resource', async (t) => {
  const seen: string[] = [];
  const { cache } = await setup(t, {
    resource: 'projectservices',
    metrics: { observe: (operation, resource) => seen.push(`${operation}/${resource}`) },
  });
  await cache.create('a', 'x', obj('a', 'x'));
  await cache.get('a', 'x');
  await cache.list('a');
  t.same(seen, ['get/projectservices', 'list/projectservices']);
});
