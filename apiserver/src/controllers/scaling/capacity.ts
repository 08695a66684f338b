// The capacity guard: before a scale-up, how many new replicas fit under maxUtilizationPercent
// of the allocatable resources of the nodes the service can run on, each filled by whole
// replicas; for a service that needs a single NUMA node, zone by zone (two half-free zones do
// not hold one replica that needs a whole zone's worth), as the extender's NUMA predicate
// places it. Pure.

import type { CapacityAction } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import type { CapacityDomain, CapacityView } from './observations.ts';

/**
 * Whole replicas that fit in one domain. `listedOnly`: resources the domain does not list are
 * not its to bound (a NUMA zone lists CPU, memory and VFs; the node bounds local disk).
 */
function fitsIn(
  domain: CapacityDomain,
  perReplica: ReadonlyMap<string, number>,
  percent: number,
  listedOnly = false,
): number {
  let fits = Number.POSITIVE_INFINITY;
  for (const [resource, need] of perReplica) {
    if (need <= 0) continue;
    if (listedOnly && !domain.allocatable.has(resource)) continue;
    const ceiling = ((domain.allocatable.get(resource) ?? 0) * percent) / 100;
    const free = ceiling - (domain.requested.get(resource) ?? 0);
    fits = Math.min(fits, Math.max(0, Math.floor(free / need + 1e-9)));
  }
  // A replica that requests nothing is not limited by capacity.
  return fits;
}

/** A node's replicas: by its own totals, and for a single-NUMA service, zone by zone. */
function fitsOnNode(node: CapacityDomain, perReplica: ReadonlyMap<string, number>, percent: number): number {
  const byNode = fitsIn(node, perReplica, percent);
  if (node.zones === undefined) return byNode;
  let byZones = 0;
  for (const zone of node.zones) byZones += fitsIn(zone, perReplica, percent, true);
  return Math.min(byNode, byZones);
}

/**
 * New replicas that fit across the view's domains (Infinity when a replica requests nothing),
 * after the service's replicas still waiting for a place.
 */
export function placeableReplicas(view: CapacityView, maxUtilizationPercent: number): number {
  let total = 0;
  for (const domain of view.domains) total += fitsOnNode(domain, view.perReplica, maxUtilizationPercent);
  return view.domains.length === 0 ? 0 : Math.max(0, total - (view.unplaced ?? 0));
}

export interface GuardVerdict {
  /** The count after the guard. */
  replicas: number;
  /** Whether the guard had something to say (capped, refused or warned). */
  limited: boolean;
  message?: string;
}

export function guardScaleUp(
  current: number,
  desired: number,
  view: CapacityView | undefined,
  guard: { maxUtilizationPercent: number; action: CapacityAction },
): GuardVerdict {
  if (desired <= current) return { replicas: desired, limited: false };
  if (view === undefined) {
    // Unknown capacity is not "no capacity": scale, and say the guard could not look.
    return {
      replicas: desired,
      limited: true,
      message: 'capacity unknown: node view unavailable, not checked',
    };
  }
  const fits = placeableReplicas(view, guard.maxUtilizationPercent);
  const wanted = desired - current;
  if (fits >= wanted) return { replicas: desired, limited: false };
  const what = `${wanted} new replica(s) wanted, ${fits} fit under ${guard.maxUtilizationPercent}% of allocatable`;
  switch (guard.action) {
    case 'Cap':
      return { replicas: current + fits, limited: true, message: `capped: ${what}` };
    case 'Refuse':
      return { replicas: current, limited: true, message: `refused: ${what}` };
    case 'Warn':
      return { replicas: desired, limited: true, message: `warning only: ${what}` };
  }
}
