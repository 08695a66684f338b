// How a policy's metric rules agree on one count: Max (the largest proposal: scale up more,
// scale down less), Weighted (the weighted mean of the proposals, rounded up) or Priority (the
// highest-priority rule with a proposal; ties go to the larger proposal). Schedule rules are
// not combined here: they are floors and ceilings applied afterwards. Pure.

import type { CombineMode } from '../../../../common/apis/scaling/v1alpha1/types.ts';

export interface Proposal {
  rule: string;
  replicas: number;
  weight: number;
  priority: number;
}

export interface Combined {
  replicas: number;
  /** The deciding rule; undefined for Weighted, where every rule had a say. */
  rule?: string;
}

export function combine(mode: CombineMode, proposals: readonly Proposal[]): Combined | undefined {
  const [first, ...rest] = proposals;
  if (first === undefined) return undefined;
  if (mode === 'Weighted') {
    let sum = 0;
    let weights = 0;
    for (const p of proposals) {
      sum += p.replicas * p.weight;
      weights += p.weight;
    }
    return { replicas: Math.ceil(sum / weights - 1e-9) };
  }
  let best = first;
  for (const p of rest) {
    const higherPriority = mode === 'Priority' && p.priority > best.priority;
    const samePriority = mode === 'Max' || p.priority === best.priority;
    if (higherPriority || (samePriority && p.replicas > best.replicas)) best = p;
  }
  return { replicas: best.replicas, rule: best.rule };
}
