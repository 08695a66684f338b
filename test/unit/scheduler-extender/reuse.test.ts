// What the extender computes once and reads again: the node views a filter read for the pod
// it just filtered (prioritize, called next for the same pod, scores on them for every node
// nothing has changed on since) and a node's view net of every hold (kept until the node's
// generation moves). Each answer is compared with one computed afresh, by an extender that
// never filtered the pod, on the same cache.

import t from 'tap';
import { NUMA_POLICY_SINGLE_NODE } from '../../../common/names.ts';
import type { PodLike } from '../../../common/nodes/demand.ts';
import { NodeCache } from '../../../scheduler-extender/src/cache/node-cache.ts';
import { Extender } from '../../../scheduler-extender/src/engine/extender.ts';
import { createMetrics } from '../../../scheduler-extender/src/ops/metrics.ts';
import { disk, Gi, node, pod, seeded, topology, vfs } from './builders.ts';

const NAMES = ['a', 'b', 'c', 'd'];

function cluster() {
  const cache = new NodeCache({ reservationTtlMs: 30_000, now: () => 0 });
  for (const [i, name] of NAMES.entries()) {
    cache.upsertNode(node(name, { vfs: 16, diskGi: 500 + 100 * i }));
    cache.upsertTopology(
      topology(name, [
        { cpu: 32, memoryGi: 128, vfs: 8 },
        { cpu: 16 + 4 * i, memoryGi: 64, vfs: 8 },
      ]),
    );
  }
  const metrics = createMetrics();
  const extender = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 }, metrics);
  // Shares the cache, never filters: its prioritize always computes every score.
  const fresh = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 });
  const reused = async () =>
    Number(/^kubehpc_extender_views_reused_total (\S+)$/m.exec(await metrics.registry.metrics())?.[1]);
  return { cache, extender, fresh, reused };
}

const args = (p: PodLike, nodeNames = NAMES) => ({ pod: p, nodeNames, nodes: undefined });
const numaPod = (name: string) =>
  pod(name, { ...vfs(2), ...disk(100), cpu: '4', memory: '8Gi' }, { numa: NUMA_POLICY_SINGLE_NODE });

t.test('prioritize right after filter scores on the views the filter read', async (t) => {
  const { extender, fresh, reused } = cluster();
  const p = numaPod('web-1');
  const out = extender.filter(args(p));
  t.same(out.passed, NAMES, 'every node fits');
  const scores = extender.prioritize(args(p));
  t.same([...scores], [...fresh.prioritize(args(p))], 'the same scores as computed afresh');
  t.equal(await reused(), 4, 'all four from the filter');
  t.ok(new Set(scores.values()).size > 1, 'the nodes do score differently');
});

t.test('a node that changed between filter and prioritize is scored again', async (t) => {
  const { cache, extender, fresh, reused } = cluster();
  const p = numaPod('web-1');
  extender.filter(args(p));
  const before = extender.prioritize(args(p)).get('c');
  // Another pod lands on c and takes most of its disk and VFs: c's score must drop.
  cache.upsertPod(pod('big', { ...vfs(12), ...disk(600) }, { nodeName: 'c' }));
  extender.filter(args(p));
  cache.upsertPod(pod('bigger', { ...vfs(2), ...disk(50) }, { nodeName: 'c' }));
  const after = extender.prioritize(args(p));
  t.same([...after], [...fresh.prioritize(args(p))], 'the same scores as computed afresh');
  t.not(after.get('c'), before, "c's score follows the change");
  t.equal(await reused(), 4 + 3, 'the second prioritize reused a, b and d only');
});

t.test("another pod's prioritize never reads this pod's views", async (t) => {
  const { extender, fresh, reused } = cluster();
  extender.filter(args(numaPod('web-1')));
  const other = pod('batch-1', { ...vfs(6), ...disk(450) });
  const scores = extender.prioritize(args(other));
  t.same([...scores], [...fresh.prioritize(args(other))]);
  t.equal(await reused(), 0);
});

t.test('a single passing node: no views kept, prioritize still answers', async (t) => {
  const { extender, fresh, reused } = cluster();
  const p = numaPod('web-1');
  t.same(extender.filter(args(p, ['b'])).passed, ['b']);
  t.same([...extender.prioritize(args(p, ['b']))], [...fresh.prioritize(args(p, ['b']))]);
  t.equal(await reused(), 0);
});

t.test('a node view net of holds is read again only while nothing on the node changed', async (t) => {
  const { cache } = cluster();
  const free = () => {
    const v = cache.view('a');
    return v?.disk.state === 'ok' ? v.disk.value.free / Gi : Number.NaN;
  };
  const hold = (name: string, gi: number) =>
    cache.reserve(
      {
        key: `ns/${name}`,
        uid: `uid-${name}`,
        cpu: 0,
        memory: 0,
        vfs: 0,
        localDisk: gi * Gi,
        singleNuma: false,
        coreService: undefined,
        problems: [],
      },
      ['a'],
    );
  hold('x', 100);
  t.equal(free(), 400, "x's hold taken off");
  t.equal(cache.view('a'), cache.view('a'), 'the same view while nothing changes');
  hold('y', 50);
  t.equal(free(), 350, "y's hold as well");
  cache.reservations.release('uid-x');
  t.equal(free(), 450, "x's hold released");
  cache.upsertPod(pod('placed', disk(200), { nodeName: 'a' }));
  t.equal(free(), 250, 'a pod placed on the node counts too');
  cache.reservations.release('uid-y');
  t.equal(free(), 300, 'nothing held: the view net of placed pods');
});

t.test('random changes between filter and prioritize: the same scores as computed afresh', async (t) => {
  const { random, pick } = seeded(7);
  const { cache, extender, fresh, reused } = cluster();
  const shapes = [vfs(1), { ...vfs(2), ...disk(100) }, disk(200), { ...vfs(1), cpu: '8', memory: '4Gi' }];
  const placed: PodLike[] = [];
  const place = (p: PodLike, at: string) => {
    const bound = { ...p, spec: { ...p.spec, nodeName: at } };
    cache.upsertPod(bound);
    placed.push(bound);
  };
  let compared = 0;
  for (let step = 0; step < 300; step++) {
    const p =
      random() < 0.5
        ? pod(`p-${step}`, pick(shapes), { numa: NUMA_POLICY_SINGLE_NODE })
        : pod(`p-${step}`, pick(shapes));
    const out = extender.filter(args(p));
    // Between the two calls: another pod lands, a placed pod goes, or a node changes.
    const r = random();
    const at = pick(NAMES);
    if (r < 0.2) place(pod(`other-${step}`, pick(shapes)), at);
    else if (r < 0.35 && placed.length > 0) cache.deletePod(placed.splice(0, 1)[0] as PodLike);
    else if (r < 0.4) cache.upsertNode(node(at, { vfs: pick([8, 16]), diskGi: pick([300, 900]) }));
    if (out.passed.length > 1) {
      const got = extender.prioritize(args(p, out.passed));
      const want = fresh.prioritize(args(p, out.passed));
      compared++;
      if (JSON.stringify([...got]) !== JSON.stringify([...want])) {
        t.same([...got], [...want], `step ${step}: the same scores`);
        return;
      }
    }
    // The pod binds to one of its nodes or goes away; the cluster does not fill up for good.
    if (out.passed.length > 0 && random() < 0.5) place(p, pick(out.passed));
    else cache.deletePod(p);
    if (placed.length > 6) cache.deletePod(placed.splice(0, 1)[0] as PodLike);
  }
  t.ok(compared > 150, `${compared} prioritize calls compared`);
  t.ok((await reused()) > 0, 'some scores were reused');
});
