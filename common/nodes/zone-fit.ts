// Whether a pod's CPU, memory and VFs fit inside one NUMA zone, and which zone fits best.
// Shared by the NUMA predicate (does any zone fit?) and the NUMA score (how well?).

import type { PodDemand } from './demand.ts';
import type { Amount, ZoneView } from './node-view.ts';

type Need = Pick<PodDemand, 'cpu' | 'memory' | 'vfs'>;

const fitsIn = (need: number, a: Amount, field: 'free' | 'total') => need <= a[field];

export function fitsZone(d: Need, z: ZoneView, field: 'free' | 'total' = 'free'): boolean {
  return fitsIn(d.cpu, z.cpu, field) && fitsIn(d.memory, z.memory, field) && fitsIn(d.vfs, z.vfs, field);
}

/**
 * The fraction of the zone left after placing the pod, for its tightest resource among those
 * the pod requests (1 = untouched, 0 = full); undefined when the pod does not fit.
 */
export function zoneHeadroom(d: Need, z: ZoneView): number | undefined {
  if (!fitsZone(d, z)) return undefined;
  let headroom = 1;
  const pairs: Array<[number, Amount]> = [
    [d.cpu, z.cpu],
    [d.memory, z.memory],
    [d.vfs, z.vfs],
  ];
  for (const [need, a] of pairs) {
    if (need <= 0) continue;
    headroom = Math.min(headroom, a.total > 0 ? (a.free - need) / a.total : 0);
  }
  return headroom;
}

/** The fitting zone with the most headroom (spreads load across zones), or undefined. */
export function bestZone(
  d: Need,
  zones: readonly ZoneView[],
): { zone: ZoneView; headroom: number } | undefined {
  let best: { zone: ZoneView; headroom: number } | undefined;
  for (const zone of zones) {
    const headroom = zoneHeadroom(d, zone);
    if (headroom !== undefined && (best === undefined || headroom > best.headroom)) best = { zone, headroom };
  }
  return best;
}
