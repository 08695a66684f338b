// The shape every predicate has: a pure function of (pod demand, node view) to a verdict,
// plus what the engine needs to order predicates (relative cost) and to skip those the pod
// does not ask for.

import type { PodDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';

export type Verdict =
  | { pass: true }
  | {
      pass: false;
      reason: string;
      /** False when only a change to the node could help (FailedAndUnresolvableNodes). */
      resolvable: boolean;
    };

export const PASS: Verdict = { pass: true };

export function fail(reason: string, resolvable: boolean): Verdict {
  return { pass: false, reason, resolvable };
}

export interface Predicate {
  name: string;
  /** Relative cost of one evaluation (1 = a few comparisons). */
  cost: number;
  /** False when the pod asks nothing of this predicate: it passes without being evaluated. */
  appliesTo(d: PodDemand): boolean;
  evaluate(d: PodDemand, n: NodeView): Verdict;
}

const reasonsByDemand = new WeakMap<PodDemand, Map<string, string>>();

/**
 * A failure reason that depends only on the pod's demand, built once per demand and then
 * shared by every node failing the same way: thousands of failing nodes per call then cost
 * one string, and the encoder's per-reason work is done once.
 */
export function demandReason(d: PodDemand, kind: string, build: (d: PodDemand) => string): string {
  let reasons = reasonsByDemand.get(d);
  if (reasons === undefined) {
    reasons = new Map();
    reasonsByDemand.set(d, reasons);
  }
  let reason = reasons.get(kind);
  if (reason === undefined) {
    reason = build(d);
    reasons.set(kind, reason);
  }
  return reason;
}
