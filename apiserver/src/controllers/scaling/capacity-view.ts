// The capacity guard's view of the cluster, built from Nodes and the Pods placed on them with
// the shared node model (common/nodes, the same one the scheduler extender uses): for each
// node the service can run on (schedulable, Ready, its nodeSelector matched, no NoSchedule or
// NoExecute taint it does not tolerate) the allocatable CPU, memory, VFs and free local disk,
// and what placed pods request; and what one more replica asks, from a pod of the service.
// For a service that needs a single NUMA node, each node also carries its zones from its
// NodeResourceTopology (allocatable, and as requested what the publisher no longer reports
// available); a node without a valid topology cannot take such a replica (the extender's NUMA
// predicate refuses it) and is left out. Pure.

import type { V1Node, V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { LOCAL_DISK_RESOURCE, SRIOV_VF_RESOURCE } from '../../../../common/names.ts';
import { podDemand } from '../../../../common/nodes/demand.ts';
import { nodeCapacity, topologyZones } from '../../../../common/nodes/parse.ts';
import { parseQuantity } from '../../../../common/quantity.ts';
import type { CapacityDomain, CapacityView } from './observations.ts';

function quantity(text: string | undefined): number {
  if (text === undefined) return 0;
  try {
    return parseQuantity(text);
  } catch {
    return 0;
  }
}

function tolerates(tolerations: readonly V1Toleration[], taint: V1Taint): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
      (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')),
  );
}

function eligible(node: V1Node, template: V1Pod): boolean {
  if (node.spec?.unschedulable) return false;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(template.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const tolerations = template.spec?.tolerations ?? [];
  return (node.spec?.taints ?? []).every(
    (taint) => taint.effect === 'PreferNoSchedule' || tolerates(tolerations, taint),
  );
}

function isPlaced(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.spec?.nodeName) && phase !== 'Succeeded' && phase !== 'Failed';
}

/** A node's NUMA zones as capacity domains, or undefined when its topology is absent or bad. */
function zoneDomains(node: string, topology: unknown): CapacityDomain[] | undefined {
  if (topology === undefined) return undefined;
  const zones = topologyZones(topology);
  if (zones.state !== 'ok' || zones.value.length === 0) return undefined;
  return zones.value.map((z) => ({
    name: `${node}/${z.name}`,
    allocatable: new Map([
      ['cpu', z.cpu.allocatable],
      ['memory', z.memory.allocatable],
      [SRIOV_VF_RESOURCE, z.vfs.allocatable],
    ]),
    requested: new Map([
      ['cpu', z.cpu.allocatable - z.cpu.available],
      ['memory', z.memory.allocatable - z.memory.available],
      [SRIOV_VF_RESOURCE, z.vfs.allocatable - z.vfs.available],
    ]),
  }));
}

/**
 * The view for a service of `replicas` whose pods (`own`) look like the first of them; undefined
 * without a pod to learn the demand from. `topologies`: NodeResourceTopology objects by node
 * name (read only for a single-NUMA service).
 */
export function capacityView(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  own: readonly V1Pod[],
  replicas: number,
  topologies: ReadonlyMap<string, unknown> = new Map(),
): CapacityView | undefined {
  const template = own[0];
  if (template === undefined) return undefined;
  const demand = podDemand(template);
  const requested = new Map<string, Map<string, number>>();
  for (const pod of pods) {
    if (!isPlaced(pod)) continue;
    const demand = podDemand(pod);
    const node = pod.spec?.nodeName as string;
    const sums = requested.get(node) ?? new Map<string, number>();
    sums.set('cpu', (sums.get('cpu') ?? 0) + demand.cpu);
    sums.set('memory', (sums.get('memory') ?? 0) + demand.memory);
    sums.set(SRIOV_VF_RESOURCE, (sums.get(SRIOV_VF_RESOURCE) ?? 0) + demand.vfs);
    requested.set(node, sums);
  }
  const domains: CapacityDomain[] = [];
  for (const node of nodes) {
    if (!eligible(node, template)) continue;
    const name = node.metadata?.name ?? '';
    const capacity = nodeCapacity(node);
    const allocatable = new Map<string, number>([
      ['cpu', quantity(node.status?.allocatable?.cpu)],
      ['memory', quantity(node.status?.allocatable?.memory)],
      [SRIOV_VF_RESOURCE, capacity.vfs],
      // The published local disk is already what is free.
      [LOCAL_DISK_RESOURCE, capacity.disk.state === 'ok' ? capacity.disk.value : 0],
    ]);
    const zones = demand.singleNuma ? zoneDomains(name, topologies.get(name)) : undefined;
    if (demand.singleNuma && zones === undefined) continue;
    domains.push({
      name,
      allocatable,
      requested: requested.get(name) ?? new Map(),
      ...(zones === undefined ? {} : { zones }),
    });
  }
  const placed = own.filter((p) => isPlaced(p) && !p.metadata?.deletionTimestamp).length;
  return {
    unplaced: Math.max(0, replicas - placed),
    domains,
    perReplica: new Map([
      ['cpu', demand.cpu],
      ['memory', demand.memory],
      [SRIOV_VF_RESOURCE, demand.vfs],
      [LOCAL_DISK_RESOURCE, demand.localDisk],
    ]),
  };
}
