// `topology NODE`: the node's NUMA zones (CPUs, memory, VFs) and its local disk.

import { NODE_TOPOLOGIES, NODES } from '../../../common/kube/resources.ts';
import { layoutColumns } from '../../../common/print/table.ts';
import type { VerbInput } from '../dispatch.ts';
import { localDisk, type NodeLike, type TopologyLike, zoneRows } from '../hardware/inventory.ts';
import { connect } from '../session.ts';
import { checkSubdomain } from '../values.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkSubdomain(args.node ?? '', 'node name');
  const session = await connect(flags);
  try {
    const node = await session.api.get<NodeLike>(NODES, undefined, name);
    const topology = await session.api.get<TopologyLike>(NODE_TOPOLOGIES, undefined, name);
    const header = ['ZONE', 'CPUS', 'MEMORY', 'VFS'];
    process.stdout.write(
      `Node: ${name}\nLocal disk: ${localDisk(node)}\n\n${layoutColumns([header, ...zoneRows(topology)])}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
