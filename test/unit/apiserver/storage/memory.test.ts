// The in-memory ObjectStore keeps the etcd store's contract (the e2e storage test pins the
// etcd one): resourceVersions are revisions, a no-op update writes nothing, a delete's
// resourceVersion is the deleting revision, lists read one snapshot, compaction expires.

import t from 'tap';
import { MemoryStore } from '../../../../apiserver/src/storage/memory.ts';
import type { StoredObject, StoreWatchEvent } from '../../../../apiserver/src/storage/object-store.ts';
import { errors, StatusError } from '../../../../common/apis/meta/errors.ts';

type Obj = StoredObject & { data?: string };

async function code(promise: Promise<unknown>): Promise<number | string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof StatusError ? error.code : String(error)),
  );
}

t.test('writes are compare-and-swap with revisions as resourceVersions', async (t) => {
  const store = new MemoryStore<Obj>();
  const a = await store.create('ns', 'a', { metadata: { name: 'a' }, data: '1' });
  t.equal(a.metadata.resourceVersion, String(store.revision));
  t.equal(await code(store.create('ns', 'a', { metadata: { name: 'a' } })), 409);
  const same = await store.update('ns', 'a', (o) => o);
  t.equal(same.metadata.resourceVersion, a.metadata.resourceVersion, 'a no-op update writes nothing');
  const b = await store.update('ns', 'a', (o) => ({ ...o, data: '2' }));
  t.equal(Number(b.metadata.resourceVersion), Number(a.metadata.resourceVersion) + 1);
  t.equal((await store.get('ns', 'a')).data, '2');
  const gone = await store.delete('ns', 'a');
  t.equal(gone.data, '2');
  t.equal(gone.metadata.resourceVersion, String(store.revision), 'the deleting revision');
  t.equal(await code(store.get('ns', 'a')), 404);
  t.equal(await code(store.update('ns', 'a', (o) => o)), 404);
  t.equal(await code(store.delete('ns', 'a')), 404);
});

t.test('a delete whose check refuses removes nothing', async (t) => {
  const store = new MemoryStore<Obj>();
  await store.create('ns', 'a', { metadata: { name: 'a' } });
  const refused = store.delete('ns', 'a', () => {
    throw errors.conflict({ group: 'g', resource: 'r', name: 'a' }, 'precondition failed');
  });
  t.equal(await code(refused), 409);
  t.equal((await store.get('ns', 'a')).metadata.name, 'a');
});

t.test('stored objects are copies: changing a returned object changes nothing stored', async (t) => {
  const store = new MemoryStore<Obj>();
  const created = await store.create('ns', 'a', { metadata: { name: 'a' }, data: '1' });
  created.data = 'mutated';
  (await store.get('ns', 'a')).data = 'mutated';
  t.equal((await store.get('ns', 'a')).data, '1');
});

t.test('lists page over one snapshot; compaction expires old revisions and watches', async (t) => {
  const store = new MemoryStore<Obj>();
  for (const name of ['a', 'b', 'c']) await store.create('ns', name, { metadata: { name } });
  await store.create('other', 'd', { metadata: { name: 'd' } });
  const first = await store.list('ns', { limit: 2 });
  t.same(
    first.items.map((o) => o.metadata.name),
    ['a', 'b'],
  );
  t.equal(first.remainingItemCount, 1);
  await store.delete('ns', 'c');
  const rest = await store.list('ns', { limit: 2, continue: first.continue as string });
  t.same(
    rest.items.map((o) => o.metadata.name),
    ['c'],
    'the deleted object is still in the snapshot',
  );
  t.equal(rest.continue, undefined);
  t.same(
    (await store.list(undefined)).items.map((o) => o.metadata.name),
    ['a', 'b', 'd'],
  );
  store.compact();
  t.equal(await code(store.list('ns', { revision: Number(first.resourceVersion) })), 410);
  t.equal(await code(store.list('ns', { limit: 2, continue: first.continue as string })), 410);
  const ended = await new Promise<number>((resolve) => {
    store.watch(
      'ns',
      Number(first.resourceVersion),
      () => undefined,
      (error) => resolve(error.code),
    );
  });
  t.equal(ended, 410);
});

t.test('a watch sees changes after its revision, with the previous object on MODIFIED', async (t) => {
  const store = new MemoryStore<Obj>();
  const a = await store.create('ns', 'a', { metadata: { name: 'a' }, data: '1' });
  await store.update('ns', 'a', (o) => ({ ...o, data: '2' }));
  const events: StoreWatchEvent<Obj>[] = [];
  const done = new Promise<void>((resolve) => {
    const w = store.watch(
      'ns',
      Number(a.metadata.resourceVersion),
      (e) => {
        events.push(e);
        if (events.length === 3) {
          w.stop();
          resolve();
        }
      },
      () => undefined,
    );
  });
  await store.create('other', 'x', { metadata: { name: 'x' } });
  await store.delete('ns', 'a');
  await store.create('ns', 'b', { metadata: { name: 'b' } });
  await done;
  t.same(
    events.map((e) => [e.type, e.object.metadata.name, e.object.data, e.previous?.data]),
    [
      ['MODIFIED', 'a', '2', '1'],
      ['DELETED', 'a', '2', undefined],
      ['ADDED', 'b', undefined, undefined],
    ],
  );
});
