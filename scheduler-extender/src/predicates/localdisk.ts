// Local disk: the node's published free local capacity (TopoLVM-format annotation), minus
// placed pods not yet reflected in it and in-flight reservations, covers the pod's request.
// Reasons name the request, not each node's free bytes, so the scheduler's event groups them.

import { LOCAL_DISK_CAPACITY_ANNOTATION } from '../../../common/names.ts';
import type { PodDemand } from '../../../common/nodes/demand.ts';
import { bytes } from '../../../common/nodes/format.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { demandReason, fail, PASS, type Predicate, type Verdict } from './predicate.ts';

const moreThanNode = (d: PodDemand) => `local disk: needs ${bytes(d.localDisk)}, more than the node has`;
const notFree = (d: PodDemand) => `local disk: ${bytes(d.localDisk)} not free`;
const notFreeHeld = (d: PodDemand) => `local disk: ${bytes(d.localDisk)} not free (held for in-flight pods)`;

export function localDiskFits(d: PodDemand, n: NodeView): Verdict {
  const disk = n.disk;
  if (disk.state === 'missing') {
    return fail(
      `local disk: node publishes no capacity (annotation ${LOCAL_DISK_CAPACITY_ANNOTATION})`,
      false,
    );
  }
  if (disk.state === 'invalid') return fail(`local disk: ${disk.reason}`, false);
  const { total, free, held } = disk.value;
  if (d.localDisk > total) return fail(demandReason(d, 'disk-total', moreThanNode), false);
  if (d.localDisk > free) {
    const byHolds = free + held >= d.localDisk;
    return fail(
      byHolds ? demandReason(d, 'disk-held', notFreeHeld) : demandReason(d, 'disk-used', notFree),
      true,
    );
  }
  return PASS;
}

export const localDisk: Predicate = {
  name: 'localdisk',
  cost: 1,
  appliesTo: (d) => d.localDisk > 0,
  evaluate: localDiskFits,
};
