import t from 'tap';
import { LOCAL_DISK_CAPACITY_ANNOTATION } from '../../../common/names.ts';
import { podDemand } from '../../../common/nodes/demand.ts';
import { NodeCache } from '../../../scheduler-extender/src/cache/node-cache.ts';
import { localDiskFits } from '../../../scheduler-extender/src/predicates/localdisk.ts';
import { disk, Gi, node, pod, topology, vfs } from './builders.ts';

function cluster(now = { t: 0 }) {
  const ended: string[] = [];
  const cache = new NodeCache({
    reservationTtlMs: 30_000,
    now: () => now.t,
    events: { reservationsCreated() {}, reservationsEnded: (o) => ended.push(o) },
  });
  for (const name of ['a', 'b']) {
    cache.upsertNode(node(name, { vfs: 16, diskGi: 1000 }));
    cache.upsertTopology(
      topology(name, [
        { cpu: 32, memoryGi: 128, vfs: 8 },
        { cpu: 32, memoryGi: 128, vfs: 8 },
      ]),
    );
  }
  return { cache, ended, now };
}

const diskOf = (c: NodeCache, n: string, uid?: string) => {
  const d = c.view(n, uid)?.disk;
  return d?.state === 'ok' ? d.value : undefined;
};

t.test(
  'a reservation holds capacity against every node the pod passed, but not against itself',
  async (t) => {
    const { cache } = cluster();
    const first = podDemand(pod('first', disk(800)));
    cache.reserve(first, ['a', 'b']);
    t.match(diskOf(cache, 'a'), { free: 200 * Gi, held: 800 * Gi });
    t.match(diskOf(cache, 'a', first.uid), { free: 1000 * Gi, held: 0 }, 'own hold excluded');
    const second = podDemand(pod('second', disk(800)));
    t.match(localDiskFits(second, cache.view('a', second.uid) as never), { pass: false, resolvable: true });
  },
);

t.test('when the pod is seen bound, its hold becomes usage on its node and is freed elsewhere', async (t) => {
  const { cache, ended } = cluster();
  const p = pod('first', { ...disk(800), ...vfs(2) });
  cache.reserve(podDemand(p), ['a', 'b']);
  cache.upsertPod(pod('first', { ...disk(800), ...vfs(2) }, { nodeName: 'a' }));
  t.match(diskOf(cache, 'a'), { free: 200 * Gi, held: 0 }, 'counted as placed on a');
  t.match(diskOf(cache, 'b'), { free: 1000 * Gi, held: 0 }, 'released on b');
  t.equal(cache.view('a')?.vfs.free, 14);
  t.same(ended, ['bound']);
  cache.deletePod(pod('first', {}, { nodeName: 'a' }));
  t.match(diskOf(cache, 'a'), { free: 1000 * Gi }, 'deleted pods give their capacity back');
});

t.test('reservations expire after the TTL', async (t) => {
  const { cache, ended, now } = cluster();
  cache.reserve(podDemand(pod('p', disk(100))), ['a']);
  now.t = 29_999;
  cache.expireReservations();
  t.equal(cache.reservations.pods, 1);
  now.t = 30_000;
  cache.expireReservations();
  t.equal(cache.reservations.pods, 0);
  t.match(diskOf(cache, 'a'), { free: 1000 * Gi, held: 0 });
  t.same(ended, ['expired']);
});

t.test('a new filter pass for the same pod replaces its holds instead of adding to them', async (t) => {
  const { cache } = cluster();
  const d = podDemand(pod('p', disk(300)));
  cache.reserve(d, ['a', 'b']);
  cache.reserve(d, ['a']);
  t.match(diskOf(cache, 'a'), { held: 300 * Gi });
  t.match(diskOf(cache, 'b'), { held: 0 });
});

t.test('single-NUMA pods hold and use one zone', async (t) => {
  const { cache } = cluster();
  const d = podDemand(pod('p', { cpu: '30', ...vfs(6) }, { numa: 'SingleNode' }));
  cache.reserve(d, ['a']);
  const zones = cache.view('a')?.zones;
  t.equal(zones?.state, 'ok');
  if (zones?.state !== 'ok') return;
  const [z0, z1] = zones.value;
  t.equal(z0?.cpu.free, 2, 'zone node-0 holds the pod');
  t.equal(z0?.vfs.free, 2);
  t.equal(z1?.cpu.free, 32, 'zone node-1 untouched');
  cache.upsertPod(pod('p', { cpu: '30', ...vfs(6) }, { numa: 'SingleNode', nodeName: 'a' }));
  const after = cache.view('a')?.zones;
  t.match(
    after,
    { state: 'ok', value: [{ cpu: { free: 2, held: 0 } }, { cpu: { free: 32 } }] },
    'usage stays in its zone',
  );
});

t.test('placed disk usage stops counting once the node republishes its capacity', async (t) => {
  const { cache } = cluster();
  cache.upsertPod(pod('p', disk(300), { nodeName: 'a' }));
  t.match(diskOf(cache, 'a'), { free: 700 * Gi });
  cache.upsertNode(node('a', { vfs: 16, diskGi: 1000 }));
  t.match(diskOf(cache, 'a'), { free: 700 * Gi }, 'an unchanged annotation changes nothing');
  cache.upsertNode({
    ...node('a', { vfs: 16 }),
    metadata: { name: 'a', annotations: { [LOCAL_DISK_CAPACITY_ANNOTATION]: String(700 * Gi) } },
  });
  t.match(diskOf(cache, 'a'), { total: 700 * Gi, free: 700 * Gi }, 'the new number already includes the pod');
});

t.test('terminal pods release their usage; pending pods are ignored', async (t) => {
  const { cache } = cluster();
  cache.upsertPod(pod('p', disk(300), { nodeName: 'a' }));
  cache.upsertPod({ ...pod('p', disk(300), { nodeName: 'a' }), status: { phase: 'Succeeded' } });
  t.match(diskOf(cache, 'a'), { free: 1000 * Gi });
  cache.upsertPod(pod('q', disk(300)));
  t.match(diskOf(cache, 'a'), { free: 1000 * Gi });
});

t.test('core services on a node are tracked for the score', async (t) => {
  const { cache } = cluster();
  const labels = { 'kubehpc.dev/core': 'true', 'kubehpc.dev/service': 'db' };
  cache.upsertPod(pod('db-0', {}, { nodeName: 'a', labels }));
  cache.upsertPod(pod('db-1', {}, { nodeName: 'a', labels }));
  t.same([...(cache.view('a')?.coreServices ?? [])], ['ns/db']);
  cache.deletePod(pod('db-0', {}, { nodeName: 'a' }));
  t.same([...(cache.view('a')?.coreServices ?? [])], ['ns/db'], 'one replica still there');
  cache.deletePod(pod('db-1', {}, { nodeName: 'a' }));
  t.same([...(cache.view('a')?.coreServices ?? [])], []);
});

t.test('nodes with bad data are in the cache with their problem; unknown nodes are not', async (t) => {
  const { cache } = cluster();
  cache.upsertNode(node('bad', { diskRaw: 'x' }));
  cache.upsertTopology({ metadata: { name: 'bad' }, zones: 'nope' });
  t.match(cache.view('bad'), { disk: { state: 'invalid' }, zones: { state: 'invalid' } });
  t.equal(cache.view('ghost'), undefined);
  cache.deleteNode('a');
  t.equal(cache.view('a'), undefined);
});
