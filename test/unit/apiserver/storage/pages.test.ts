// rangeAll: every key under a prefix from one snapshot, read a page at a time (one unbounded
// range outgrows gRPC's message limit with a few thousand objects).

import t from 'tap';
import type { EtcdClient } from '../../../../apiserver/src/storage/etcd/client.ts';
import { rangeAll } from '../../../../apiserver/src/storage/etcd/pages.ts';
import { FakeEtcd } from './fake-etcd.ts';

const put = (etcd: FakeEtcd, key: string, value = 'v') =>
  etcd.txn([], [{ put: { key, value: Buffer.from(value) } }]);

async function filled(keys: string[]): Promise<FakeEtcd> {
  const etcd = new FakeEtcd();
  for (const k of keys) await put(etcd, k);
  return etcd;
}

/** The fake's range, counting calls and running `between` after the first page. */
function spied(etcd: FakeEtcd, between: (call: number) => Promise<void> = async () => undefined) {
  const calls: Array<{
    limit: number | undefined;
    revision: number | undefined;
    fromKey: string | undefined;
  }> = [];
  const source: Pick<EtcdClient, 'range'> = {
    range: async (req) => {
      calls.push({ limit: req.limit, revision: req.revision, fromKey: req.fromKey });
      const res = await etcd.range(req);
      await between(calls.length);
      return res;
    },
  };
  return { source, calls };
}

const keysOf = (s: { kvs: Array<{ key: string }> }) => s.kvs.map((kv) => kv.key);

t.test('reads every key under the prefix, in order, in pages of the size asked', async (t) => {
  const keys = ['/p/a', '/p/b', '/p/b/1', '/p/c', '/p/d'];
  const etcd = await filled([...keys, '/q/a', '/o/z']);
  const { source, calls } = spied(etcd);
  const snapshot = await rangeAll(source, '/p/', { pageSize: 2 });
  t.same(keysOf(snapshot), keys);
  t.equal(calls.length, 3, 'three pages of at most 2');
  t.ok(
    calls.every((c) => c.limit === 2),
    'every page is limited',
  );
  t.equal(snapshot.revision, etcd.revision);
});

t.test('an exact multiple of the page size ends without an empty extra page', async (t) => {
  const etcd = await filled(['/p/a', '/p/b', '/p/c', '/p/d']);
  const { source, calls } = spied(etcd);
  t.same(keysOf(await rangeAll(source, '/p/', { pageSize: 2 })), ['/p/a', '/p/b', '/p/c', '/p/d']);
  t.equal(calls.length, 2);
});

t.test('every page reads the first page’s revision: later writes are not seen', async (t) => {
  const etcd = await filled(['/p/a', '/p/b', '/p/c']);
  const before = etcd.revision;
  const { source, calls } = spied(etcd, async (call) => {
    if (call === 1) {
      await put(etcd, '/p/bb', 'new');
      await etcd.txn([], [{ delete: { key: '/p/c' } }]);
    }
  });
  const snapshot = await rangeAll(source, '/p/', { pageSize: 1 });
  t.same(keysOf(snapshot), ['/p/a', '/p/b', '/p/c'], 'the snapshot of the first page');
  t.equal(snapshot.revision, before);
  t.ok(
    calls.slice(1).every((c) => c.revision === before),
    'later pages are pinned to that revision',
  );
});

t.test('an empty prefix reads one page and the current revision', async (t) => {
  const etcd = await filled(['/q/a']);
  const snapshot = await rangeAll(etcd, '/p/');
  t.same(snapshot.kvs, []);
  t.equal(snapshot.revision, etcd.revision);
});

t.test('fromKey starts the read at that key', async (t) => {
  const etcd = await filled(['/p/a', '/p/b', '/p/c']);
  t.same(keysOf(await rangeAll(etcd, '/p/', { fromKey: '/p/b', pageSize: 1 })), ['/p/b', '/p/c']);
});

t.test('a read of the latest revision overtaken by compaction starts again at the new latest', async (t) => {
  const etcd = await filled(['/p/a', '/p/b']);
  const { source, calls } = spied(etcd, async (call) => {
    if (call === 1) {
      await put(etcd, '/p/c');
      await etcd.compact(etcd.revision);
    }
  });
  const snapshot = await rangeAll(source, '/p/', { pageSize: 1 });
  t.same(keysOf(snapshot), ['/p/a', '/p/b', '/p/c'], 'the new snapshot, whole');
  t.equal(snapshot.revision, etcd.revision);
  t.ok(calls.length >= 4, 'the read started over');
});

t.test('a read at an exact revision that compaction overtakes fails as etcd answers', async (t) => {
  const etcd = await filled(['/p/a', '/p/b']);
  const at = etcd.revision;
  const { source } = spied(etcd, async (call) => {
    if (call === 1) {
      await put(etcd, '/p/c');
      await etcd.compact(etcd.revision);
    }
  });
  await t.rejects(rangeAll(source, '/p/', { revision: at, pageSize: 1 }), /compacted/);
});
