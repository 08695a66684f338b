// A synthetic cluster for the extender benchmarks: a realistic mix where most nodes fail
// some predicate for a single-NUMA pod with VFs and local disk, fed straight into a node
// cache (no API server) — what the filter path sees in production.

import {
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_SINGLE_NODE,
  SRIOV_VF_RESOURCE,
} from '../../common/names.ts';
import type { PodLike } from '../../common/nodes/demand.ts';
import {
  expandFixture,
  type NodeClassFixture,
  nodeObject,
  topologyObject,
} from '../../platform/src/fixture.ts';
import { NodeCache } from '../../scheduler-extender/src/cache/node-cache.ts';

/** Shares of the mix, per 100 nodes. */
const MIX: Array<{ cls: Omit<NodeClassFixture, 'count'>; per100: number; busyDiskGi?: number }> = [
  // No SR-IOV at all: fails the VF check.
  {
    per100: 45,
    cls: {
      name: 'general',
      localDisk: '100Gi',
      pods: 110,
      zones: [{ cpus: 16, memory: '64Gi', sriovVFs: 0 }],
    },
  },
  // HPC nodes whose local disk is mostly taken by placed pods: fails the disk check.
  {
    per100: 25,
    busyDiskGi: 1300,
    cls: {
      name: 'hpc-busy',
      localDisk: '1536Gi',
      pods: 110,
      zones: [
        { cpus: 32, memory: '128Gi', sriovVFs: 8 },
        { cpus: 32, memory: '128Gi', sriovVFs: 8 },
      ],
    },
  },
  // VFs split across zones: fails alignment.
  {
    per100: 10,
    cls: {
      name: 'split',
      localDisk: '512Gi',
      pods: 110,
      zones: [
        { cpus: 16, memory: '64Gi', sriovVFs: 2 },
        { cpus: 16, memory: '64Gi', sriovVFs: 2 },
      ],
    },
  },
  // Fits.
  {
    per100: 20,
    cls: {
      name: 'hpc',
      localDisk: '1536Gi',
      pods: 110,
      zones: [
        { cpus: 32, memory: '128Gi', sriovVFs: 8 },
        { cpus: 32, memory: '128Gi', sriovVFs: 8 },
      ],
    },
  },
];

export function benchPod(name: string): PodLike {
  return {
    metadata: {
      name,
      namespace: 'bench',
      uid: `uid-${name}`,
      annotations: { [NUMA_POLICY_ANNOTATION]: NUMA_POLICY_SINGLE_NODE },
    },
    spec: {
      containers: [
        {
          resources: {
            requests: { cpu: '4', memory: '8Gi' },
            limits: { [SRIOV_VF_RESOURCE]: '3', [LOCAL_DISK_RESOURCE]: '400Gi' },
          },
        },
      ],
    },
  };
}

/** A node cache holding `count` nodes of the mix (interleaved), and their names. */
export function syntheticCluster(count: number): { cache: NodeCache; names: string[] } {
  const cache = new NodeCache({ reservationTtlMs: 30_000 });
  const names: string[] = [];
  const buckets = MIX.map((m) => ({
    ...m,
    nodes: expandFixture({ classes: [{ ...m.cls, count: Math.ceil((count * m.per100) / 100) }] }),
  }));
  for (let i = 0; names.length < count; i++) {
    for (const b of buckets) {
      const node = b.nodes[i];
      if (!node || names.length >= count) continue;
      cache.upsertNode(nodeObject(node) as Parameters<NodeCache['upsertNode']>[0]);
      cache.upsertTopology(topologyObject(node) as Parameters<NodeCache['upsertTopology']>[0]);
      if (b.busyDiskGi) {
        cache.upsertPod({
          metadata: { name: `filler-${node.name}`, namespace: 'bench', uid: `filler-${node.name}` },
          spec: {
            nodeName: node.name,
            containers: [{ resources: { limits: { [LOCAL_DISK_RESOURCE]: `${b.busyDiskGi}Gi` } } }],
          },
          status: { phase: 'Running' },
        });
      }
      names.push(node.name);
    }
  }
  return { cache, names };
}
