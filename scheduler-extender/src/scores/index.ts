// The scores the extender combines, and how: the mean of those with something to say about
// the pod, 0–10 (kube-scheduler's MaxExtenderPriority). A pod none applies to scores 0
// everywhere, which leaves the scheduler's own ranking untouched.

import type { PodDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { coreServices } from './core-services.ts';
import { diskHeadroom, vfHeadroom } from './headroom.ts';
import { numaFit } from './numa-fit.ts';
import { clampScore, type Score, type ScoreContext } from './score.ts';

export const SCORES: readonly Score[] = [numaFit, diskHeadroom, vfHeadroom, coreServices];

export function combinedScore(d: PodDemand, n: NodeView, ctx: ScoreContext, scores = SCORES): number {
  let sum = 0;
  let count = 0;
  for (const s of scores) {
    const value = s.score(d, n, ctx);
    if (value === undefined) continue;
    sum += value;
    count++;
  }
  return count === 0 ? 0 : clampScore(sum / count);
}
