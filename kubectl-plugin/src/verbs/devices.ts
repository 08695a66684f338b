// `devices [--node N]`: SR-IOV VF pools per node: VFs per NUMA zone, capacity, healthy,
// allocated (requests of pods bound there), free.

import { NODE_TOPOLOGIES, NODES, PODS } from '../../../common/kube/resources.ts';
import { layoutColumns } from '../../../common/print/table.ts';
import type { VerbInput } from '../dispatch.ts';
import { deviceRows, type NodeLike, type PodOnNode, type TopologyLike } from '../hardware/inventory.ts';
import { connect } from '../session.ts';

export async function run({ flags }: VerbInput): Promise<number> {
  const session = await connect(flags);
  try {
    const { api } = session;
    const only = typeof flags.node === 'string' ? flags.node : undefined;
    const [nodes, topologies, pods] = await Promise.all([
      only
        ? api.get<NodeLike>(NODES, undefined, only).then((n) => [n])
        : api.list<NodeLike>(NODES, undefined).then((l) => l.items),
      api
        .list<TopologyLike>(NODE_TOPOLOGIES, undefined)
        .then((l) => l.items)
        .catch(() => [] as TopologyLike[]),
      api
        .list<PodOnNode>(PODS, undefined, {
          fieldSelector: only ? `spec.nodeName=${only}` : 'spec.nodeName!=',
        })
        .then((l) => l.items),
    ]);
    const rows = deviceRows(nodes, topologies, pods);
    if (rows.length === 0) {
      process.stderr.write(`No SR-IOV VFs found${only ? ` on ${only}` : ''}.\n`);
      return 0;
    }
    const header = ['NODE', 'POOL', 'ZONES', 'CAPACITY', 'HEALTHY', 'ALLOCATED', 'FREE'];
    process.stdout.write(`${layoutColumns(flags['no-headers'] ? rows : [header, ...rows])}\n`);
    return 0;
  } finally {
    session.close();
  }
}
