// Filtering a pod against many nodes: each node through the applicable predicates, either
// stopping at the first failure (short-circuit, the default) or evaluating them all
// (exhaustive, for diagnosis). Pure over the lookup it is given; it counts what it did so
// the caller can export metrics and learn selectivity. With a memo (the equivalence cache),
// a node whose verdict for this pod's shape is remembered is not evaluated again.

import type { PodDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { type NodeVerdict, PASSED } from '../cache/equivalence.ts';
import type { Predicate } from '../predicates/predicate.ts';
import type { PredicateCounts } from './order.ts';

export const MODES = ['short-circuit', 'exhaustive'] as const;
export type Mode = (typeof MODES)[number];

export interface FilterOutcome {
  passed: string[];
  /** Nodes a change elsewhere (pods finishing, reservations expiring) could still open. */
  failed: Map<string, string>;
  /** Nodes only a change to the node itself could open. */
  unresolvable: Map<string, string>;
  /** Per predicate: evaluations and failures in this call. */
  counts: Map<string, PredicateCounts>;
  /** Nodes answered from the memo, without evaluating a predicate. */
  remembered: number;
}

export type NodeLookup = (name: string) => NodeView | undefined;

/** Remembered verdicts of the pod's shape, per node; get answers only while still valid. */
export interface VerdictMemo {
  get(name: string): NodeVerdict | undefined;
  set(name: string, verdict: NodeVerdict): void;
}

export function filterNodes(
  d: PodDemand,
  names: readonly string[],
  lookup: NodeLookup,
  predicates: readonly Predicate[],
  mode: Mode,
  memo?: VerdictMemo,
): FilterOutcome {
  const outcome: FilterOutcome = {
    passed: [],
    failed: new Map(),
    unresolvable: new Map(),
    counts: new Map(),
    remembered: 0,
  };
  if (d.problems.length > 0) {
    const reason = `pod hints are invalid: ${d.problems.join('; ')}`;
    for (const name of names) outcome.unresolvable.set(name, reason);
    return outcome;
  }
  const applicable = predicates.filter((p) => p.appliesTo(d));
  if (applicable.length === 0) {
    outcome.passed = [...names];
    return outcome;
  }
  const tallies = applicable.map((p) => {
    const c: PredicateCounts = { evaluations: 0, failures: 0 };
    outcome.counts.set(p.name, c);
    return c;
  });
  const exhaustive = mode === 'exhaustive';
  for (const name of names) {
    const known = memo?.get(name);
    if (known !== undefined) {
      outcome.remembered++;
      if (known.reason === undefined) outcome.passed.push(name);
      else (known.resolvable ? outcome.failed : outcome.unresolvable).set(name, known.reason);
      continue;
    }
    const node = lookup(name);
    if (node === undefined) {
      outcome.failed.set(name, `node ${name} is not in the extender's cache yet`);
      continue;
    }
    let reasons: string[] | undefined;
    let resolvable = true;
    for (let i = 0; i < applicable.length; i++) {
      const p = applicable[i] as Predicate;
      const tally = tallies[i] as PredicateCounts;
      tally.evaluations++;
      const verdict = p.evaluate(d, node);
      if (verdict.pass) continue;
      tally.failures++;
      if (reasons === undefined) reasons = [verdict.reason];
      else reasons.push(verdict.reason);
      resolvable &&= verdict.resolvable;
      if (!exhaustive) break;
    }
    if (reasons === undefined) {
      outcome.passed.push(name);
      memo?.set(name, PASSED);
    } else {
      // One reason is passed on as is: the same string for every node failing the same way.
      const reason = reasons.length === 1 ? (reasons[0] as string) : reasons.join('; ');
      (resolvable ? outcome.failed : outcome.unresolvable).set(name, reason);
      memo?.set(name, { reason, resolvable });
    }
  }
  return outcome;
}
