// Single-round-trip narrowing: the best-scored names are kept, ties and all, in their order.

import t from 'tap';
import { bestScored } from '../../../scheduler-extender/src/engine/narrow.ts';

const scores: Record<string, number> = { a: 3, b: 7, c: 7, d: 0 };
const score = (name: string) => scores[name] ?? 0;

t.test('keeps every node tied for the best score, in the order given', async (t) => {
  t.same(bestScored(['a', 'b', 'c', 'd'], score), { kept: ['b', 'c'], dropped: ['a', 'd'] });
  t.same(bestScored(['c', 'a', 'b'], score), { kept: ['c', 'b'], dropped: ['a'] });
});

t.test('one node, all equal, or none: nothing is dropped', async (t) => {
  t.same(bestScored(['a'], score), { kept: ['a'], dropped: [] });
  t.same(bestScored(['d', 'x'], score), { kept: ['d', 'x'], dropped: [] }, 'all score 0');
  t.same(bestScored([], score), { kept: [], dropped: [] });
});
