// At most N core services per node (Meituan HULK's rule): a core pod scores by how much room
// for core services the node keeps after it lands; a node it would push past N scores 0.
// Another replica of a service already on the node adds no new core service.

import { clampScore, MAX_SCORE, type Score } from './score.ts';

export const coreServices: Score = {
  name: 'core-services',
  score(d, n, ctx) {
    if (d.coreService === undefined) return undefined;
    const max = ctx.maxCoreServices;
    const after = n.coreServices.size + (n.coreServices.has(d.coreService) ? 0 : 1);
    if (max <= 0 || after > max) return 0;
    return clampScore((MAX_SCORE * (max - after + 1)) / max);
  },
};
