// The generic registry's semantics on the in-memory store: what create, update, patch,
// apply, delete (finalizers, preconditions, propagation), list (selectors, paging, exact
// reads), watch (initial state, resume, selections, compaction) and scale do to objects,
// with a fixed clock so every timestamp is known.

import t from 'tap';
import { projectServiceStrategy } from '../../../../apiserver/src/registry/apps/projectservices/strategy.ts';
import { Registry } from '../../../../apiserver/src/registry/registry.ts';
import type { WatchSink } from '../../../../apiserver/src/registry/types.ts';
import { MemoryStore } from '../../../../apiserver/src/storage/memory.ts';
import { errors, StatusError } from '../../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../../common/apis/meta/types.ts';

type Obj = TypedObject<unknown, unknown>;

const T0 = new Date('2026-03-04T05:06:07.890Z');
const write = { dryRun: false, fieldValidation: 'Strict' as const, fieldManager: 'test' };
const APPS = 'apps.kubehpc.dev/v1alpha1';

function setup(options: { now?: Date; refuse?: string } = {}) {
  let now = options.now ?? T0;
  const store = new MemoryStore<Obj>({ group: 'apps.kubehpc.dev', resource: 'projectservices' });
  const registry = new Registry(
    projectServiceStrategy as never,
    store,
    async (ns) => {
      if (ns === options.refuse) throw errors.namespaceTerminating(ns);
    },
    { clock: () => now, bookmarkIntervalMs: 10 },
  ) as Registry<unknown, unknown>;
  return {
    store,
    registry,
    tick(seconds: number) {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

function service(name: string, extra: Record<string, unknown> = {}, labels?: Record<string, string>) {
  return {
    apiVersion: APPS,
    kind: 'ProjectService',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { image: 'registry.local/portal:1', ...extra },
  };
}

async function code(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof StatusError ? error.code : String(error);
  }
}

t.test(
  'create fills in identity and timestamps from the clock, and drops what clients may not set',
  async (t) => {
    const { registry } = setup();
    const { object } = await registry.create(
      'team-a',
      {
        ...service('portal'),
        metadata: { name: 'portal', resourceVersion: '99', deletionTimestamp: '2020-01-01T00:00:00Z' },
        status: { phase: 'Running' },
      },
      write,
    );
    t.equal(object.metadata.namespace, 'team-a');
    t.equal(object.metadata.generation, 1);
    t.equal(object.metadata.creationTimestamp, '2026-03-04T05:06:07Z', 'whole seconds, from the clock');
    t.match(object.metadata.uid, /^[0-9a-f-]{36}$/);
    t.not(object.metadata.resourceVersion, '99', 'the store assigns the resourceVersion');
    t.equal(object.metadata.deletionTimestamp, undefined);
    t.equal(object.status, undefined, 'status is the controller’s to write');
    t.equal(object.metadata.managedFields?.[0]?.manager, 'test');
    const read = await registry.get('team-a', 'portal');
    t.equal(read.metadata.uid, object.metadata.uid);
  },
);

t.test('create: generateName, namespace mismatch, duplicates, dry run, namespace admission', async (t) => {
  const { registry } = setup({ refuse: 'closing' });
  const generated = await registry.create(
    'team-a',
    { ...service(''), metadata: { generateName: 'portal-' } },
    write,
  );
  t.match(generated.object.metadata.name, /^portal-[0-9a-f]{5}$/);
  t.equal(
    await code(
      registry.create('team-a', { ...service('x'), metadata: { name: 'x', namespace: 'b' } }, write),
    ),
    400,
  );
  await registry.create('team-a', service('portal'), write);
  t.equal(await code(registry.create('team-a', service('portal'), write)), 409, 'AlreadyExists');
  t.equal(await code(registry.create('team-a', service('portal'), { ...write, dryRun: true })), 409);
  const dry = await registry.create('team-a', service('preview'), { ...write, dryRun: true });
  t.equal(dry.object.metadata.name, 'preview');
  t.equal(await code(registry.get('team-a', 'preview')), 404, 'a dry run stores nothing');
  t.equal(await code(registry.create('closing', service('late'), write)), 403, 'the admission check refuses');
  t.equal(await code(registry.get('closing', 'late')), 404);
});

t.test('update: resourceVersion required and checked; generation follows the spec only', async (t) => {
  const { registry, store } = setup();
  const created = (await registry.create('ns', service('portal'), write)).object;
  t.equal(await code(registry.update('ns', 'portal', service('portal'), write)), 422, 'no blind overwrite');
  const labelled = await registry.update(
    'ns',
    'portal',
    { ...created, metadata: { ...created.metadata, labels: { tier: 'web' } } },
    write,
  );
  t.equal(labelled.object.metadata.generation, 1, 'a metadata change keeps the generation');
  t.equal(
    await code(registry.update('ns', 'portal', { ...created, spec: { image: 'r/p:2' } }, write)),
    409,
    'a stale resourceVersion is a Conflict',
  );
  const respec = await registry.update(
    'ns',
    'portal',
    {
      ...labelled.object,
      spec: { image: 'r/p:2' },
      metadata: { ...labelled.object.metadata, uid: 'forged' },
    },
    write,
  );
  t.equal(respec.object.metadata.generation, 2, 'a spec change bumps the generation');
  t.equal(respec.object.metadata.uid, created.metadata.uid, 'uid cannot change');
  t.equal(respec.object.metadata.creationTimestamp, created.metadata.creationTimestamp);
  t.equal(
    await code(
      registry.update(
        'ns',
        'portal',
        { ...respec.object, metadata: { ...respec.object.metadata, name: 'x' } },
        write,
      ),
    ),
    400,
    'the name cannot change',
  );
  const before = store.revision;
  const same = await registry.update('ns', 'portal', respec.object, write);
  t.equal(store.revision, before, 'an update that changes nothing writes nothing');
  t.equal(same.object.metadata.resourceVersion, respec.object.metadata.resourceVersion);
});

t.test('status and main writes each keep the other half', async (t) => {
  const { registry } = setup();
  const created = (await registry.create('ns', service('portal'), write)).object;
  const status = await registry.update(
    'ns',
    'portal',
    { ...created, spec: { image: 'ignored:1' }, status: { phase: 'Running' } },
    write,
    'status',
  );
  t.same(status.object.status, { phase: 'Running' });
  t.equal(
    (status.object.spec as { image: string }).image,
    'registry.local/portal:1',
    'a status write keeps spec',
  );
  t.equal(status.object.metadata.generation, 1);
  const main = await registry.patch(
    'ns',
    'portal',
    'merge',
    { spec: { image: 'r/p:2' }, status: null },
    write,
  );
  t.same(main.object.status, { phase: 'Running' }, 'a main write keeps status');
  t.equal(main.object.metadata.generation, 2);
});

t.test('patch: merge and JSON patch; a resourceVersion in the patch is a precondition', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('portal'), write);
  const merged = await registry.patch('ns', 'portal', 'merge', { metadata: { labels: { a: '1' } } }, write);
  t.same(merged.object.metadata.labels, { a: '1' });
  const json = await registry.patch(
    'ns',
    'portal',
    'json',
    [{ op: 'add', path: '/metadata/labels/b', value: '2' }],
    write,
  );
  t.same(json.object.metadata.labels, { a: '1', b: '2' });
  t.equal(
    await code(registry.patch('ns', 'portal', 'merge', { metadata: { resourceVersion: '1' } }, write)),
    409,
  );
  t.equal(await code(registry.patch('ns', 'absent', 'merge', {}, write)), 404);
});

t.test('server-side apply creates, then merges; a field another manager owns conflicts', async (t) => {
  const { registry } = setup();
  const first = await registry.apply('ns', 'portal', service('portal'), {
    ...write,
    fieldManager: 'a',
    force: false,
  });
  t.equal(first.created, true);
  const again = await registry.apply('ns', 'portal', service('portal'), {
    ...write,
    fieldManager: 'a',
    force: false,
  });
  t.not(again.created, true);
  t.equal(
    await code(
      registry.apply('ns', 'portal', service('portal', { image: 'other:1' }), {
        ...write,
        fieldManager: 'b',
        force: false,
      }),
    ),
    409,
  );
  const forced = await registry.apply('ns', 'portal', service('portal', { image: 'other:1' }), {
    ...write,
    fieldManager: 'b',
    force: true,
  });
  t.equal((forced.object.spec as { image: string }).image, 'other:1');
  t.equal(
    await code(registry.apply('ns', 'p', service('p'), { ...write, fieldManager: '', force: false })),
    400,
    'apply needs a field manager',
  );
});

t.test('delete: gone at once without finalizers; preconditions are checked', async (t) => {
  const { registry } = setup();
  const created = (await registry.create('ns', service('portal'), write)).object;
  t.equal(
    await code(registry.delete('ns', 'portal', { dryRun: false, preconditions: { uid: 'other' } })),
    409,
  );
  t.equal(
    await code(registry.delete('ns', 'portal', { dryRun: false, preconditions: { resourceVersion: '1' } })),
    409,
  );
  const dry = await registry.delete('ns', 'portal', { dryRun: true });
  t.equal(dry.deleted, true);
  t.equal(
    (await registry.get('ns', 'portal')).metadata.uid,
    created.metadata.uid,
    'a dry run deletes nothing',
  );
  const gone = await registry.delete('ns', 'portal', {
    dryRun: false,
    preconditions: { uid: created.metadata.uid as string },
  });
  t.equal(gone.deleted, true);
  t.equal(await code(registry.get('ns', 'portal')), 404);
  t.equal(await code(registry.delete('ns', 'portal', { dryRun: false })), 404);
});

t.test('delete with finalizers marks the object; the last finalizer’s removal deletes it', async (t) => {
  const { registry, tick } = setup();
  await registry.create(
    'ns',
    { ...service('portal'), metadata: { name: 'portal', finalizers: ['example.com/hold'] } },
    write,
  );
  tick(90);
  const marked = await registry.delete('ns', 'portal', { dryRun: false });
  t.equal(marked.deleted, false);
  t.equal(marked.object.metadata.deletionTimestamp, '2026-03-04T05:07:37Z', 'the clock’s time');
  t.equal(marked.object.metadata.deletionGracePeriodSeconds, 0);
  tick(30);
  const again = await registry.delete('ns', 'portal', { dryRun: false });
  t.equal(again.object.metadata.deletionTimestamp, '2026-03-04T05:07:37Z', 'a second delete keeps the mark');
  t.equal(
    await code(
      registry.patch(
        'ns',
        'portal',
        'merge',
        { metadata: { finalizers: ['example.com/hold', 'new'] } },
        write,
      ),
    ),
    422,
    'no new finalizers once deletion began',
  );
  const labelled = await registry.patch('ns', 'portal', 'merge', { metadata: { labels: { a: 'b' } } }, write);
  t.equal(labelled.object.metadata.deletionTimestamp, '2026-03-04T05:07:37Z', 'writes keep the mark');
  await registry.patch('ns', 'portal', 'merge', { metadata: { finalizers: null } }, write);
  t.equal(await code(registry.get('ns', 'portal')), 404, 'gone once no finalizer holds it');
});

t.test('propagation policies add the garbage collector’s finalizer, one at a time', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('portal'), write);
  const orphan = await registry.delete('ns', 'portal', { dryRun: false, propagationPolicy: 'Orphan' });
  t.equal(orphan.deleted, false);
  t.same(orphan.object.metadata.finalizers, ['orphan']);
  const foreground = await registry.delete('ns', 'portal', {
    dryRun: false,
    propagationPolicy: 'Foreground',
  });
  t.same(foreground.object.metadata.finalizers, ['foregroundDeletion'], 'the new policy replaces the old');
  const background = await registry.delete('ns', 'portal', {
    dryRun: false,
    propagationPolicy: 'Background',
  });
  t.same(background.object.metadata.finalizers, ['foregroundDeletion'], 'Background adds none');
});

t.test('list: selectors, pages that fill up to the limit, exact reads of an older revision', async (t) => {
  const { registry } = setup();
  for (const [name, tier] of [
    ['a', 'web'],
    ['b', 'db'],
    ['c', 'web'],
    ['d', 'web'],
  ] as const) {
    await registry.create('ns', service(name, {}, { tier }), write);
  }
  await registry.create('other', service('e', {}, { tier: 'web' }), write);
  const names = (list: Record<string, unknown>) =>
    (list.items as Obj[]).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
  const all = await registry.list(undefined, {});
  t.same(names(all), ['ns/a', 'ns/b', 'ns/c', 'ns/d', 'other/e']);
  t.equal((all.items as Obj[])[0]?.kind, 'ProjectService', 'items are typed');
  t.same(names(await registry.list('ns', { labelSelector: 'tier=web' })), ['ns/a', 'ns/c', 'ns/d']);
  t.same(names(await registry.list('ns', { fieldSelector: 'metadata.name!=a' })), ['ns/b', 'ns/c', 'ns/d']);
  t.equal(
    await code(registry.list('ns', { fieldSelector: 'spec.replicas=1' })),
    400,
    'not a selectable field',
  );
  const page1 = await registry.list('ns', { labelSelector: 'tier=web', limit: 2 });
  t.same(names(page1), ['ns/a', 'ns/c'], 'the filtered page is filled up to the limit');
  const token = (page1.metadata as { continue?: string }).continue as string;
  t.ok(token);
  const revision = (page1.metadata as { resourceVersion: string }).resourceVersion;
  await registry.create('ns', service('cc', {}, { tier: 'web' }), write);
  const page2 = await registry.list('ns', { labelSelector: 'tier=web', limit: 2, continue: token });
  t.same(names(page2), ['ns/d'], 'the next page reads the same snapshot');
  t.equal((page2.metadata as { resourceVersion: string }).resourceVersion, revision);
  await registry.delete('ns', 'a', { dryRun: false });
  const exact = await registry.list('ns', { resourceVersion: revision, resourceVersionMatch: 'Exact' });
  t.same(names(exact), ['ns/a', 'ns/b', 'ns/c', 'ns/d'], 'an exact read sees the past');
  t.equal(await code(registry.list('ns', { resourceVersion: 'x', resourceVersionMatch: 'Exact' })), 400);
});

function recorder() {
  const events: Array<[string, string | undefined]> = [];
  let ended: StatusError | 'ended' | undefined;
  const waiters: Array<() => void> = [];
  const sink: WatchSink<Obj> = {
    event(type, object) {
      events.push([type, object.metadata.name ?? object.metadata.resourceVersion]);
      for (const w of waiters.splice(0)) w();
    },
    end(error) {
      ended = error ?? 'ended';
      for (const w of waiters.splice(0)) w();
    },
  };
  return {
    sink,
    events,
    ended: () => ended,
    async until(done: () => boolean) {
      const deadline = Date.now() + 5000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out; saw ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          // Not unref'd: the store's bookmark timer is, and the test must stay alive to see it fire.
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

t.test('watch: the current objects first, then changes in order', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('a'), write);
  const r = recorder();
  const w = await registry.watch('ns', {}, r.sink);
  t.teardown(() => w.stop());
  t.same(r.events, [['ADDED', 'a']]);
  await registry.create('ns', service('b'), write);
  await registry.patch('ns', 'a', 'merge', { metadata: { labels: { x: 'y' } } }, write);
  await registry.delete('ns', 'b', { dryRun: false });
  await registry.create('other', service('c'), write);
  await r.until(() => r.events.length >= 4);
  t.same(r.events, [
    ['ADDED', 'a'],
    ['ADDED', 'b'],
    ['MODIFIED', 'a'],
    ['DELETED', 'b'],
  ]);
});

t.test('watch: objects arrive in and leave a selection as their labels change', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('a'), write);
  const r = recorder();
  const w = await registry.watch('ns', { labelSelector: 'tier=web' }, r.sink);
  t.teardown(() => w.stop());
  await registry.patch('ns', 'a', 'merge', { metadata: { labels: { tier: 'web' } } }, write);
  await registry.patch('ns', 'a', 'merge', { metadata: { labels: { tier: 'db' } } }, write);
  await r.until(() => r.events.length >= 2);
  t.same(r.events, [
    ['ADDED', 'a'],
    ['DELETED', 'a'],
  ]);
});

t.test('watch: resumes after a resourceVersion, and ends 410 once it is compacted', async (t) => {
  const { registry, store } = setup();
  const a = (await registry.create('ns', service('a'), write)).object;
  await registry.create('ns', service('b'), write);
  const r = recorder();
  const w = await registry.watch('ns', { resourceVersion: a.metadata.resourceVersion as string }, r.sink);
  t.teardown(() => w.stop());
  await r.until(() => r.events.length >= 1);
  t.same(r.events, [['ADDED', 'b']], 'only what came after');
  store.compact();
  const old = recorder();
  await registry.watch('ns', { resourceVersion: a.metadata.resourceVersion as string }, old.sink);
  await old.until(() => old.ended() !== undefined);
  t.equal((old.ended() as StatusError).code, 410);
  t.equal(await code(registry.watch('ns', { resourceVersion: '-1' }, recorder().sink)), 400);
});

t.test(
  'watch: a streaming list ends its initial state with a bookmark; bookmarks when allowed',
  async (t) => {
    const { registry } = setup();
    const a = (await registry.create('ns', service('a'), write)).object;
    const r = recorder();
    const w = await registry.watch('ns', { sendInitialEvents: true, allowWatchBookmarks: true }, r.sink);
    t.teardown(() => w.stop());
    t.same(r.events, [
      ['ADDED', 'a'],
      ['BOOKMARK', a.metadata.resourceVersion],
    ]);
    await r.until(() => r.events.length >= 3);
    t.equal(r.events[2]?.[0], 'BOOKMARK', 'periodic bookmarks');
    const quiet = recorder();
    const q = await registry.watch(
      'ns',
      { resourceVersion: a.metadata.resourceVersion as string },
      quiet.sink,
    );
    t.teardown(() => q.stop());
    await registry.create('ns', service('b'), write);
    await quiet.until(() => quiet.events.length >= 1);
    t.same(quiet.events, [['ADDED', 'b']], 'no bookmarks unless asked for');
  },
);

t.test('scale: reads and writes spec.replicas; refuses a negative count', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('portal', { replicas: 2 }), write);
  const scale = await registry.getScale('ns', 'portal');
  t.equal(scale.kind, 'Scale');
  t.equal(scale.spec.replicas, 2);
  const scaled = await registry.updateScale('ns', 'portal', () => ({ spec: { replicas: 5 } }), write);
  t.equal(scaled.spec.replicas, 5);
  const object = await registry.get('ns', 'portal');
  t.equal((object.spec as { replicas: number }).replicas, 5);
  t.equal(object.metadata.generation, 2);
  t.equal(await code(registry.updateScale('ns', 'portal', () => ({ spec: { replicas: -1 } }), write)), 422);
  t.equal(
    await code(
      registry.updateScale(
        'ns',
        'portal',
        () => ({ metadata: { resourceVersion: '1' }, spec: { replicas: 1 } }),
        write,
      ),
    ),
    409,
  );
});

t.test('deletecollection deletes what the selector matches', async (t) => {
  const { registry } = setup();
  await registry.create('ns', service('a', {}, { tier: 'web' }), write);
  await registry.create('ns', service('b', {}, { tier: 'db' }), write);
  const result = await registry.deleteCollection('ns', { labelSelector: 'tier=web' }, { dryRun: false });
  t.same(
    (result.items as Obj[]).map((o) => o.metadata.name),
    ['a'],
  );
  t.same(
    ((await registry.list('ns', {})).items as Obj[]).map((o) => o.metadata.name),
    ['b'],
  );
});
