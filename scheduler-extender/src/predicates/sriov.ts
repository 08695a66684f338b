// SR-IOV: the node has enough healthy VFs free (allocatable, minus placed pods and
// reservations), and, for a pod asking for NUMA alignment, enough in a single zone.
// Reasons name the pod's need, not the node's numbers, so kube-scheduler's event groups
// nodes failing the same way ("3 SR-IOV: …") instead of listing thousands of variants.

import type { PodDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { demandReason, fail, PASS, type Predicate, type Verdict } from './predicate.ts';

const fewerThan = (d: PodDemand) => `SR-IOV: node has fewer than ${d.vfs} healthy VFs`;
const notFree = (d: PodDemand) => `SR-IOV: ${d.vfs} VFs not free`;
const notFreeHeld = (d: PodDemand) => `SR-IOV: ${d.vfs} VFs not free (held for in-flight pods)`;
const noZoneFree = (d: PodDemand) => `SR-IOV: no NUMA zone has ${d.vfs} VFs free`;
const split = (d: PodDemand) =>
  `SR-IOV: needs ${d.vfs} VFs in one NUMA zone, the node's VFs are split across zones`;

export function sriovFits(d: PodDemand, n: NodeView): Verdict {
  if (n.vfs.total <= 0) return fail('SR-IOV: node has no healthy VFs', false);
  if (d.vfs > n.vfs.total) return fail(demandReason(d, 'sriov-total', fewerThan), false);
  if (d.vfs > n.vfs.free) {
    const held = n.vfs.free + n.vfs.held >= d.vfs;
    return fail(
      held ? demandReason(d, 'sriov-held', notFreeHeld) : demandReason(d, 'sriov-used', notFree),
      true,
    );
  }
  if (!d.singleNuma) return PASS;
  // Alignment: the zone-level VF check; CPU and memory in the same zone are the NUMA predicate's.
  if (n.zones.state !== 'ok') return PASS; // the NUMA predicate reports the missing topology
  const zones = n.zones.value;
  if (zones.some((z) => z.vfs.free >= d.vfs)) return PASS;
  if (zones.some((z) => z.vfs.total >= d.vfs))
    return fail(demandReason(d, 'sriov-zone-used', noZoneFree), true);
  return fail(demandReason(d, 'sriov-split', split), false);
}

export const sriov: Predicate = {
  name: 'sriov',
  cost: 1,
  appliesTo: (d) => d.vfs > 0,
  evaluate: sriovFits,
};
