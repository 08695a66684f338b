// NUMA: a pod asking for a single NUMA node must fit its CPU, memory and VFs inside one zone
// of the node's NodeResourceTopology (free amounts, net of placed pods and reservations).

import type { PodDemand } from '../../../common/nodes/demand.ts';
import { bytes, cpus } from '../../../common/nodes/format.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { fitsZone } from '../../../common/nodes/zone-fit.ts';
import { demandReason, fail, PASS, type Predicate, type Verdict } from './predicate.ts';

const want = (d: PodDemand) => `${cpus(d.cpu)} CPU, ${bytes(d.memory)} memory and ${d.vfs} VFs`;
const noZoneFree = (d: PodDemand) => `NUMA: no zone has ${want(d)} free`;
const noZoneHolds = (d: PodDemand) => `NUMA: no zone can hold ${want(d)}`;

export function numaFits(d: PodDemand, n: NodeView): Verdict {
  const zones = n.zones;
  if (zones.state === 'missing') return fail(`NUMA: node has no ${zones.source}`, false);
  if (zones.state === 'invalid') return fail(`NUMA: ${zones.reason}`, false);
  if (zones.value.length === 0) return fail('NUMA: node topology lists no NUMA zones', false);
  if (zones.value.some((z) => fitsZone(d, z))) return PASS;
  if (zones.value.some((z) => fitsZone(d, z, 'total')))
    return fail(demandReason(d, 'numa-used', noZoneFree), true);
  return fail(demandReason(d, 'numa-never', noZoneHolds), false);
}

export const numa: Predicate = {
  name: 'numa',
  cost: 3,
  appliesTo: (d) => d.singleNuma,
  evaluate: numaFits,
};
