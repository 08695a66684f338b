import t from 'tap';
import { combine, type Proposal } from '../../../../../apiserver/src/controllers/scaling/combine.ts';

const proposals: Proposal[] = [
  { rule: 'cpu', replicas: 2, weight: 1, priority: 0 },
  { rule: 'qps', replicas: 5, weight: 3, priority: 0 },
  { rule: 'queue', replicas: 3, weight: 1, priority: 5 },
];

t.test('Max: the largest proposal and its rule', async (t) => {
  t.same(combine('Max', proposals), { replicas: 5, rule: 'qps' });
});

t.test('Weighted: the weighted mean, rounded up', async (t) => {
  // (2 × 1 + 5 × 3 + 3 × 1) / 5 = 4
  t.same(combine('Weighted', proposals), { replicas: 4 });
  // (2 × 1 + 5 × 3) / 4 = 4.25 → 5
  t.same(combine('Weighted', proposals.slice(0, 2)), { replicas: 5 });
});

t.test('Priority: the highest-priority rule with a value wins, even when smaller', async (t) => {
  t.same(combine('Priority', proposals), { replicas: 3, rule: 'queue' });
  t.same(combine('Priority', proposals.slice(0, 2)), { replicas: 5, rule: 'qps' }, 'ties go to the larger');
});

t.test('no proposals, no combination', async (t) => {
  t.equal(combine('Max', []), undefined);
  t.equal(combine('Weighted', []), undefined);
});
