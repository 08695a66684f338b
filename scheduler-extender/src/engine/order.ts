// Predicate order: cheapest per expected rejection first, so a node that will fail is
// usually rejected by the first predicate evaluated. Selectivity is learned from the
// failures seen so far (Laplace-smoothed, so an unseen predicate counts as 50 %).

import type { Predicate } from '../predicates/predicate.ts';

export interface PredicateCounts {
  evaluations: number;
  failures: number;
}

export type Selectivity = ReadonlyMap<string, PredicateCounts>;

export function failureRate(c: PredicateCounts | undefined): number {
  return ((c?.failures ?? 0) + 1) / ((c?.evaluations ?? 0) + 2);
}

/** Predicates sorted by cost ÷ failure rate; ties keep the given order. */
export function orderPredicates(predicates: readonly Predicate[], seen: Selectivity): Predicate[] {
  return predicates
    .map((p, i) => ({ p, i, rank: p.cost / failureRate(seen.get(p.name)) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((x) => x.p);
}
