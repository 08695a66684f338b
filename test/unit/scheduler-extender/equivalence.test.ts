// The equivalence cache: a repeated pod shape is answered from remembered verdicts for the
// nodes that did not change, and every change to what a pod sees of a node (the node, its
// topology, pods placed on it, holds on it) makes the node be evaluated afresh. The last
// test runs random cluster changes against two extenders, one without the cache, and
// requires the same answers.

import t from 'tap';
import { NUMA_POLICY_SINGLE_NODE } from '../../../common/names.ts';
import { EquivalenceCache, PASSED, shapeKey } from '../../../scheduler-extender/src/cache/equivalence.ts';
import { NodeCache } from '../../../scheduler-extender/src/cache/node-cache.ts';
import type { Mode } from '../../../scheduler-extender/src/engine/evaluate.ts';
import { Extender } from '../../../scheduler-extender/src/engine/extender.ts';
import { createMetrics } from '../../../scheduler-extender/src/ops/metrics.ts';
import { demand, disk, node, pod, seeded, topology, vfs } from './builders.ts';

const zones = (vfsPerZone: number, cpu = 32) => [
  { cpu, memoryGi: 128, vfs: vfsPerZone },
  { cpu, memoryGi: 128, vfs: vfsPerZone },
];

function cluster(mode: Mode = 'short-circuit', equivalenceShapes?: number) {
  const cache = new NodeCache({ reservationTtlMs: 30_000, now: () => 0 });
  cache.upsertNode(node('none', { vfs: 0, diskGi: 1000 }));
  cache.upsertTopology(topology('none', zones(0)));
  cache.upsertNode(node('few', { vfs: 2, diskGi: 1000 }));
  cache.upsertTopology(topology('few', zones(1)));
  cache.upsertNode(node('many', { vfs: 16, diskGi: 1000 }));
  cache.upsertTopology(topology('many', zones(8)));
  const extender = new Extender(cache, {
    mode,
    maxCoreServices: 2,
    ...(equivalenceShapes === undefined ? {} : { equivalenceShapes }),
  });
  const filter = (name: string, requests: Record<string, string>, numa = false) =>
    extender.filter({
      pod: pod(name, requests, numa ? { numa: NUMA_POLICY_SINGLE_NODE } : {}),
      nodeNames: ['none', 'few', 'many'],
      nodes: undefined,
    });
  return { cache, extender, filter };
}

const hits = (e: Extender) => e.equivalence?.stats.hits ?? 0;

t.test('a second pod of the same shape is answered from the cache for unchanged nodes', async (t) => {
  const { extender, filter } = cluster();
  const first = filter('a', vfs(4));
  t.same(first.passed, ['many']);
  t.equal(first.remembered, 0, 'nothing remembered yet');
  const second = filter('b', vfs(4));
  t.same(second.passed, ['many'], 'the same answer');
  t.same([...second.unresolvable.keys()].sort(), ['few', 'none']);
  t.equal(second.unresolvable.get('few'), first.unresolvable.get('few'), 'with the same reason');
  // 'many' carries a's hold now: a new generation, evaluated again; the others are remembered.
  t.equal(second.remembered, 2);
  t.equal(hits(extender), 2);
});

t.test('a different shape does not use another shape’s verdicts', async (t) => {
  const { filter } = cluster();
  filter('a', vfs(4));
  const small = filter('b', vfs(2));
  t.same(small.passed, ['few', 'many'], 'few passes a smaller request');
  t.equal(small.remembered, 0);
  t.not(shapeKey(demand({ vfs: 4 }), 'short-circuit', []), shapeKey(demand({ vfs: 2 }), 'short-circuit', []));
  t.equal(
    shapeKey(demand({ vfs: 4, uid: 'x', key: 'ns/x' }), 'short-circuit', []),
    shapeKey(demand({ vfs: 4, uid: 'y', key: 'ns/y' }), 'short-circuit', []),
    'name and uid are not part of the shape',
  );
  t.not(shapeKey(demand(), 'short-circuit', []), shapeKey(demand(), 'exhaustive', []), 'the mode is');
});

t.test('a node change invalidates that node’s verdicts', async (t) => {
  const { cache, filter } = cluster();
  t.same(filter('a', vfs(1)).passed, ['few', 'many']);
  cache.upsertNode(node('none', { vfs: 4, diskGi: 1000 }));
  const after = filter('b', vfs(1));
  t.ok(after.passed.includes('none'), 'the node that gained VFs now passes');
  cache.deleteNode('few');
  const gone = filter('c', vfs(1));
  t.notOk(gone.passed.includes('few'), 'a deleted node is never passed from memory');
  t.match(gone.failed.get('few'), /not in the extender's cache/);
});

t.test('a topology change invalidates that node’s verdicts', async (t) => {
  const { cache, filter } = cluster();
  const needs = { ...vfs(2), cpu: '40' };
  t.same(filter('a', needs, true).passed, [], 'no zone has 40 CPUs');
  cache.upsertTopology(topology('many', zones(8, 48)));
  t.same(filter('b', needs, true).passed, ['many'], 'a zone of 48 CPUs now holds it');
  cache.deleteTopology('many');
  t.same(filter('c', needs, true).passed, [], 'no topology: fails again');
});

t.test('a placed pod and a hold invalidate the node they are on', async (t) => {
  const { cache, filter } = cluster();
  const shape = { ...vfs(1), ...disk(100) };
  t.same(filter('a', shape).passed, ['few', 'many']);
  // a's holds (one VF each) block nothing yet; a bound pod takes the other VF on 'few'.
  cache.upsertPod(pod('placed', vfs(1), { nodeName: 'few' }));
  t.same(filter('b', shape).passed, ['many'], "few's last VF is a's hold, the other is placed");
  cache.deletePod(pod('a', shape));
  t.same(filter('c', shape).passed, ['few', 'many'], "a's hold released: few passes again");
});

t.test('the pod’s own hold is never remembered for another pod', async (t) => {
  const { cache, extender, filter } = cluster();
  const shape = vfs(2);
  t.same(filter('a', shape).passed, ['few', 'many']);
  // a refilters (its own hold on 'few' excluded): few passes for a…
  t.same(filter('a', shape).passed, ['few', 'many']);
  // …but not for b, which sees a's hold.
  t.same(filter('b', shape).passed, ['many']);
  t.ok(cache.reservations.own('uid-a', 'few'), 'a still holds few');
  t.ok(hits(extender) >= 1, 'the node without holds was remembered');
});

t.test('the cache keeps a bounded number of shapes, least recently used out first', async (t) => {
  const c = new EquivalenceCache(2);
  c.shape('x').set('n', 1, PASSED);
  c.shape('y').set('n', 1, PASSED);
  t.equal(c.shape('x').get('n', 1), PASSED, 'x used again: most recent');
  c.shape('z');
  t.equal(c.shapes, 2);
  t.equal(c.shape('x').get('n', 1), PASSED, 'x kept');
  t.equal(c.shape('y').get('n', 1), undefined, 'y was the least recently used');
  t.equal(c.shape('x').get('n', 2), undefined, 'another generation is a miss');
});

t.test('with and without the cache, random cluster changes get the same answers', async (t) => {
  const { random, pick } = seeded(42);
  const cached = cluster('exhaustive');
  const plain = cluster('exhaustive', 0);
  const names = ['none', 'few', 'many'] as const;
  const shapes = [vfs(1), vfs(3), { ...vfs(1), ...disk(400) }, disk(900), { ...vfs(2), cpu: '20' }];
  let pods = 0;
  let remembered = 0;
  for (let step = 0; step < 400; step++) {
    const at = pick(names);
    const count = pick([0, 2, 8, 16]);
    const placed = pick(shapes);
    const diskGi = pick([100, 1000]);
    const [perZone, cpu] = [pick([0, 1, 4, 8]), pick([8, 32])];
    const r = random();
    // Drawn once, applied to both clusters alike.
    const change =
      r < 0.1
        ? (c: NodeCache) => c.upsertNode(node(at, { vfs: count, diskGi }))
        : r < 0.2
          ? (c: NodeCache) => c.upsertTopology(topology(at, zones(perZone, cpu)))
          : r < 0.3
            ? (c: NodeCache) => c.upsertPod(pod(`placed-${step}`, placed, { nodeName: at }))
            : r < 0.35
              ? (c: NodeCache) => c.deletePod(pod(`p-${Math.floor(step / 2)}`, {}))
              : undefined;
    change?.(cached.cache);
    change?.(plain.cache);
    if (r < 0.35) continue;
    pods++;
    const shape = pick(shapes);
    const numa = random() < 0.5;
    const a = cached.filter(`p-${step}`, shape, numa);
    const b = plain.filter(`p-${step}`, shape, numa);
    remembered += a.remembered;
    const failing = (o: typeof a) => ({
      passed: o.passed,
      failed: [...o.failed.keys()].sort(),
      unresolvable: [...o.unresolvable.keys()].sort(),
    });
    if (JSON.stringify(failing(a)) !== JSON.stringify(failing(b))) {
      t.same(failing(a), failing(b), `step ${step}: same answer`);
      return;
    }
  }
  t.ok(pods > 200, `${pods} pods filtered`);
  t.ok(remembered > 0, `${remembered} node verdicts came from the cache`);
});

t.test('hits and misses are exported as a metric', async (t) => {
  const cache = new NodeCache({ reservationTtlMs: 30_000, now: () => 0 });
  cache.upsertNode(node('none', { vfs: 0, diskGi: 1000 }));
  cache.upsertNode(node('many', { vfs: 16, diskGi: 1000 }));
  const metrics = createMetrics();
  const extender = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 }, metrics);
  for (const name of ['a', 'b'])
    extender.filter({ pod: pod(name, vfs(4)), nodeNames: ['none', 'many'], nodes: undefined });
  const text = await metrics.registry.metrics();
  t.match(text, /kubehpc_extender_equivalence_nodes_total\{result="hit"\} 1\n/, "b's 'none' was remembered");
  t.match(text, /kubehpc_extender_equivalence_nodes_total\{result="miss"\} 3\n/, 'a: 2, b: many (held)');
});
