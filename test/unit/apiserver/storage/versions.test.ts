// Encode once per object version: the bytes are JSON.stringify's, a cached version is encoded
// once however many watchers and readers it has, views (typed, PartialObjectMetadata) are made
// once per version, a new version is encoded afresh, and nothing unsealed is memoised.

import t, { type Test } from 'tap';
import { projectServiceStrategy } from '../../../../apiserver/src/registry/apps/projectservices/strategy.ts';
import { Registry } from '../../../../apiserver/src/registry/registry.ts';
import { metadataOnly } from '../../../../apiserver/src/server/respond.ts';
import { WatchCache } from '../../../../apiserver/src/storage/cacher.ts';
import type { EtcdClient } from '../../../../apiserver/src/storage/etcd/client.ts';
import { ResourceStore } from '../../../../apiserver/src/storage/store.ts';
import { encodeJson, isSealed, seal, viewOf } from '../../../../apiserver/src/storage/versions.ts';
import type { TypedObject } from '../../../../common/apis/meta/types.ts';
import { FakeEtcd } from './fake-etcd.ts';

type Obj = TypedObject<unknown, unknown>;
const APPS = 'apps.kubehpc.dev/v1alpha1';
const write = { dryRun: false, fieldValidation: 'Strict' as const, fieldManager: 'test' };

/** Counts JSON.stringify calls whose value is `target` (by identity) while the test runs. */
function countEncodings(t: Test) {
  const original = JSON.stringify;
  const counts = new Map<unknown, number>();
  JSON.stringify = ((value: unknown, ...rest: unknown[]) => {
    counts.set(value, (counts.get(value) ?? 0) + 1);
    return (original as (...a: unknown[]) => string)(value, ...rest);
  }) as typeof JSON.stringify;
  t.teardown(() => {
    JSON.stringify = original;
  });
  return (target: unknown) => counts.get(target) ?? 0;
}

t.test('the bytes are JSON.stringify’s, for versions, lists of versions and anything else', async (t) => {
  const version = () =>
    seal({
      apiVersion: APPS,
      kind: 'ProjectService',
      metadata: { name: 'é"\n', labels: { a: 'b' } },
      spec: { replicas: 3, ports: [{ port: 80 }], nothing: undefined, nil: null },
    });
  const cases: unknown[] = [
    version(),
    {
      apiVersion: APPS,
      kind: 'ProjectServiceList',
      metadata: { resourceVersion: '7' },
      items: [version(), version()],
    },
    { items: [version()] },
    { kind: 'List', items: [version(), undefined], metadata: {} },
    { kind: 'List', items: [] },
    { items: [version()], kind: 'items not last' },
    { kind: 'unsealed', items: [{ a: 1 }] },
    [version(), 1, 'x'],
    'text',
    42,
    null,
    seal({ toJSON: () => ({ replaced: true }) }),
  ];
  for (const value of cases) {
    t.equal(encodeJson(value), JSON.stringify(value), JSON.stringify(value));
    t.equal(encodeJson(value), JSON.stringify(value), 'and again, from the memo');
  }
});

t.test('a sealed version is frozen all the way down; views of it are made once and sealed', async (t) => {
  const v: { metadata: { name: string; labels?: Record<string, string> } } = seal({
    metadata: { name: 'x', labels: { a: 'b' } },
  });
  t.ok(Object.isFrozen(v.metadata.labels), 'nested values are frozen');
  t.ok(isSealed(v));
  let made = 0;
  const make = (o: typeof v) => {
    made += 1;
    return { kind: 'view', metadata: o.metadata };
  };
  const first = viewOf(v, 'test-view', make);
  t.equal(viewOf(v, 'test-view', make), first, 'the same view object');
  t.equal(made, 1);
  t.ok(isSealed(first));
  t.not(viewOf(v, 'other-view', make), first, 'another variant is another view');
  const plain = { metadata: { name: 'y' } };
  t.not(
    viewOf(plain, 'test-view', make),
    viewOf(plain, 'test-view', make),
    'an unsealed object gets a fresh view every time',
  );
  t.notOk(isSealed(viewOf(plain, 'test-view', make)));
});

t.test('nothing unsealed is memoised: a changed object encodes its change', async (t) => {
  const o = { metadata: { name: 'x' }, spec: { replicas: 1 } };
  t.equal(encodeJson(o), '{"metadata":{"name":"x"},"spec":{"replicas":1}}');
  o.spec.replicas = 2;
  t.equal(encodeJson(o), '{"metadata":{"name":"x"},"spec":{"replicas":2}}');
});

async function cachedRegistry(t: Test) {
  const etcd = new FakeEtcd();
  const store = new ResourceStore<Obj>(etcd as unknown as EtcdClient, '/kubehpc/', {
    group: 'apps.kubehpc.dev',
    resource: 'projectservices',
  });
  const cache = new WatchCache(store, etcd, store.root, { retryMs: 1 });
  await cache.start();
  const alive = setInterval(() => undefined, 1_000);
  t.teardown(() => {
    clearInterval(alive);
    cache.stop();
  });
  const registry = new Registry(projectServiceStrategy as never, cache, async () => undefined, {
    clock: () => new Date('2026-03-04T05:06:07.890Z'),
  }) as Registry<unknown, unknown>;
  return { cache, registry };
}

function service(name: string, replicas = 1) {
  return {
    apiVersion: APPS,
    kind: 'ProjectService',
    metadata: { name },
    spec: { image: 'registry.local/portal:1', replicas },
  };
}

t.test('N watchers of one event and repeated GETs of one version: one encoding', async (t) => {
  const { cache, registry } = await cachedRegistry(t);
  const WATCHERS = 8;
  const seen: Array<Array<{ type: string; object: Obj }>> = [];
  const metadataSeen: unknown[] = [];
  for (let i = 0; i < WATCHERS; i++) {
    const events: Array<{ type: string; object: Obj }> = [];
    seen.push(events);
    const w = await registry.watch(
      'ns',
      { resourceVersion: String(cache.revision) },
      {
        event: (type, object) => events.push({ type, object }),
        end: () => undefined,
      },
    );
    t.teardown(() => w.stop());
    const m = await registry.watch(
      'ns',
      { resourceVersion: String(cache.revision) },
      {
        event: (_type, object) => metadataSeen.push(metadataOnly(object)),
        end: () => undefined,
      },
    );
    t.teardown(() => m.stop());
  }
  const encodings = countEncodings(t);
  await registry.create('ns', service('portal'), write);
  const deadline = Date.now() + 10_000;
  while (seen.some((e) => e.length === 0) || metadataSeen.length < WATCHERS) {
    if (Date.now() > deadline) throw new Error('the watchers did not all see the event');
    await new Promise((resolve) => setImmediate(resolve));
  }
  const object = seen[0]?.[0]?.object as Obj;
  t.ok(
    seen.every((e) => e[0]?.object === object),
    'every watcher gets the one object of this version',
  );
  // What the server writes per watcher (server/watch.ts): the event line around the object's JSON.
  const lines = seen.map((e) => `{"type":"ADDED","object":${encodeJson(e[0]?.object)}}`);
  t.equal(encodings(object), 1, `the object was encoded once for ${WATCHERS} watchers`);
  for (const line of lines)
    t.equal(line, JSON.stringify({ type: 'ADDED', object }), 'the same bytes as before');

  const partial = metadataSeen[0];
  t.ok(
    metadataSeen.every((m) => m === partial),
    'one PartialObjectMetadata per version for every metadata watcher',
  );
  const partialLines = metadataSeen.map((m) => encodeJson(m));
  t.equal(encodings(partial), 1);
  t.equal(
    partialLines[0],
    JSON.stringify({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: object.metadata,
    }),
  );

  const gets = await Promise.all(Array.from({ length: 5 }, () => registry.get('ns', 'portal')));
  for (const got of gets)
    t.equal(encodeJson(got), encodeJson(object), 'a GET of the version: the same bytes');
  t.equal(encodings(object), 1, 'and still one encoding');

  const list = await registry.list('ns', {});
  t.equal(encodeJson(list), JSON.stringify(list), 'a list of cached versions: the same bytes');
  t.equal(encodings(object), 1, 'its items reuse their encodings');

  const next = service('portal', 3);
  await registry.update(
    'ns',
    'portal',
    { ...next, metadata: { ...next.metadata, resourceVersion: object.metadata.resourceVersion } },
    write,
  );
  const updated = await registry.get('ns', 'portal');
  t.not(updated, object, 'a new version is a new object');
  t.match(encodeJson(updated), /"replicas":3/, 'a new version is encoded afresh');
  t.match(encodeJson(object), /"replicas":1/, 'and the old version keeps its own bytes');
});
