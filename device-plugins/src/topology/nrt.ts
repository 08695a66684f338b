// The node's NodeResourceTopology (topology.node.k8s.io/v1alpha2), pure: one zone per NUMA
// node with its CPUs, memory and the VFs of each pool on it. The shape matches what the
// local platform writes for simulated nodes, which is what the scheduler extender reads.

import { NODE_RESOURCE_TOPOLOGY } from '../../../common/names.ts';
import { formatBytes } from '../../../common/quantity.ts';
import type { Pool } from '../selection/pools.ts';
import type { NumaNode } from '../sysfs/model.ts';

export interface TopologyPolicy {
  /** The kubelet's --topology-manager-policy: none, best-effort, restricted, single-numa-node. */
  policy: string;
  /** The kubelet's --topology-manager-scope: container or pod. */
  scope: string;
}

export interface ResourceAmount {
  name: string;
  capacity: string;
  allocatable: string;
  available: string;
}

export interface Zone {
  name: string;
  type: 'Node';
  costs?: Array<{ name: string; value: number }>;
  resources: ResourceAmount[];
}

export interface NodeResourceTopology {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  topologyPolicies: string[];
  attributes: Array<{ name: string; value: string }>;
  zones: Zone[];
}

export function zoneName(numaNode: number): string {
  return `node-${numaNode}`;
}

/** The deprecated v1alpha1-style policy name older readers still look at. */
export function legacyPolicyName(p: TopologyPolicy): string {
  switch (p.policy) {
    case 'single-numa-node':
      return p.scope === 'pod' ? 'SingleNUMANodePodLevel' : 'SingleNUMANodeContainerLevel';
    case 'restricted':
      return 'Restricted';
    case 'best-effort':
      return 'BestEffort';
    default:
      return 'None';
  }
}

function amount(
  name: string,
  capacity: number | string,
  allocatable: number | string = capacity,
): ResourceAmount {
  return {
    name,
    capacity: String(capacity),
    allocatable: String(allocatable),
    available: String(allocatable),
  };
}

/**
 * VFs count in capacity whatever their health; only healthy ones are allocatable. A device
 * plugin cannot see which VFs running pods hold, so available equals allocatable and the
 * scheduler extender subtracts what it has placed. VFs without a NUMA node are left out.
 */
export function buildTopology(
  nodeName: string,
  numaNodes: NumaNode[],
  pools: Pool[],
  policy: TopologyPolicy,
): NodeResourceTopology {
  const sortedPools = [...pools].sort((a, b) => a.resourceName.localeCompare(b.resourceName));
  return {
    apiVersion: `${NODE_RESOURCE_TOPOLOGY.group}/${NODE_RESOURCE_TOPOLOGY.version}`,
    kind: NODE_RESOURCE_TOPOLOGY.kind,
    metadata: { name: nodeName },
    topologyPolicies: [legacyPolicyName(policy)],
    attributes: [
      { name: 'topologyManagerPolicy', value: policy.policy },
      { name: 'topologyManagerScope', value: policy.scope },
    ],
    zones: numaNodes.map((node) => {
      const vfs = sortedPools.flatMap((pool) => {
        const here = pool.devices.filter((d) => d.vf.numaNode === node.id);
        const healthy = here.filter((d) => d.health === 'Healthy').length;
        return here.length > 0 ? [amount(pool.resourceName, here.length, healthy)] : [];
      });
      const zone: Zone = {
        name: zoneName(node.id),
        type: 'Node',
        resources: [amount('cpu', node.cpus.length), amount('memory', formatBytes(node.memoryBytes)), ...vfs],
      };
      if (node.distances.length === numaNodes.length) {
        zone.costs = numaNodes.map((other, i) => ({
          name: zoneName(other.id),
          value: node.distances[i] ?? 0,
        }));
      }
      return zone;
    }),
  };
}
