// The shape every score has: a pure function of (pod demand, node view) to 0–10, or
// undefined when it has nothing to say about this pod (it then takes no part in the mean).

import type { PodDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';

export const MAX_SCORE = 10;

export interface ScoreContext {
  /** At most this many distinct core services per node. */
  maxCoreServices: number;
}

export interface Score {
  name: string;
  score(d: PodDemand, n: NodeView, ctx: ScoreContext): number | undefined;
}

export function clampScore(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(0, Math.min(MAX_SCORE, Math.round(value)));
}
