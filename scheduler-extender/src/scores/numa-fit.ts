// NUMA fit: for a single-NUMA pod, the headroom left in the best zone after placing it, so
// pods spread over zones and a zone is not filled while its neighbour idles.

import { bestZone } from '../../../common/nodes/zone-fit.ts';
import { clampScore, MAX_SCORE, type Score } from './score.ts';

export const numaFit: Score = {
  name: 'numa-fit',
  score(d, n) {
    if (!d.singleNuma) return undefined;
    if (n.zones.state !== 'ok') return 0;
    const best = bestZone(d, n.zones.value);
    return best ? clampScore(MAX_SCORE * best.headroom) : 0;
  },
};
