import t from 'tap';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { filterNodes } from '../../../scheduler-extender/src/engine/evaluate.ts';
import { failureRate, orderPredicates } from '../../../scheduler-extender/src/engine/order.ts';
import { PREDICATES } from '../../../scheduler-extender/src/predicates/index.ts';
import { fail, PASS, type Predicate } from '../../../scheduler-extender/src/predicates/predicate.ts';
import { amount, demand, Gi, view } from './builders.ts';

function counting(
  name: string,
  cost: number,
  verdict: (n: NodeView) => boolean,
): Predicate & { calls: number } {
  const p = {
    name,
    cost,
    calls: 0,
    appliesTo: () => true,
    evaluate: (_d: unknown, n: NodeView) => {
      p.calls++;
      return verdict(n) ? PASS : fail(`${name} says no`, name === 'soft');
    },
  };
  return p;
}

const nodes: Record<string, NodeView> = {
  good: view({ name: 'good' }),
  bad: view({ name: 'bad', vfs: amount(0) }),
};
const lookup = (n: string) => nodes[n];

t.test('short-circuit stops at the first failing predicate; exhaustive evaluates all', async (t) => {
  const a = counting('a', 1, (n) => n.name === 'good');
  const b = counting('b', 1, (n) => n.name === 'good');
  const short = filterNodes(demand(), ['good', 'bad'], lookup, [a, b], 'short-circuit');
  t.same(short.passed, ['good']);
  t.equal(short.unresolvable.get('bad'), 'a says no');
  t.equal(b.calls, 1, 'b never ran on the node a rejected');
  t.same(short.counts.get('a'), { evaluations: 2, failures: 1 });
  const full = filterNodes(demand(), ['good', 'bad'], lookup, [a, b], 'exhaustive');
  t.equal(full.unresolvable.get('bad'), 'a says no; b says no', 'every reason, in order');
  t.equal(b.calls, 3);
});

t.test('a node is unresolvable when any failure is; resolvable only when all are', async (t) => {
  const soft = counting('soft', 1, () => false);
  const hard = counting('hard', 1, () => false);
  const onlySoft = filterNodes(demand(), ['good'], lookup, [soft], 'exhaustive');
  t.ok(onlySoft.failed.has('good'));
  const both = filterNodes(demand(), ['good'], lookup, [soft, hard], 'exhaustive');
  t.ok(both.unresolvable.has('good'));
});

t.test('unknown node names fail resolvably with a clear reason, never throw', async (t) => {
  const out = filterNodes(demand({ vfs: 1 }), ['ghost'], lookup, PREDICATES, 'short-circuit');
  t.equal(out.failed.get('ghost'), "node ghost is not in the extender's cache yet");
});

t.test('pods that ask for nothing pass every node without evaluation', async (t) => {
  const out = filterNodes(demand(), ['good', 'bad', 'ghost'], lookup, PREDICATES, 'short-circuit');
  t.same(out.passed, ['good', 'bad', 'ghost']);
  t.equal(out.counts.size, 0);
});

t.test('pods with invalid hints fail everywhere, unresolvably, with the problem', async (t) => {
  const out = filterNodes(demand({ problems: ['bad numa'] }), ['good'], lookup, PREDICATES, 'short-circuit');
  t.match(out.unresolvable.get('good'), /pod hints are invalid: bad numa/);
});

t.test('only predicates the pod asks for are evaluated', async (t) => {
  const out = filterNodes(demand({ localDisk: Gi }), ['good', 'bad'], lookup, PREDICATES, 'exhaustive');
  t.same([...out.counts.keys()], ['localdisk']);
  t.same(out.passed, ['good', 'bad']);
});

t.test('order: cheapest per expected rejection first, learned from failures', async (t) => {
  const cheap = { ...counting('cheap', 1, () => true) };
  const dear = { ...counting('dear', 3, () => true) };
  t.same(
    orderPredicates([dear, cheap], new Map()).map((p) => p.name),
    ['cheap', 'dear'],
    'by cost when nothing is known',
  );
  const seen = new Map([
    ['cheap', { evaluations: 1000, failures: 0 }],
    ['dear', { evaluations: 1000, failures: 900 }],
  ]);
  t.same(
    orderPredicates([cheap, dear], seen).map((p) => p.name),
    ['dear', 'cheap'],
    'a selective predicate moves up',
  );
  t.equal(failureRate(undefined), 0.5);
});
