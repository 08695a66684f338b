// Turning Node and NodeResourceTopology objects into the numbers the cache keeps. Pure and
// defensive: the objects come from the cluster, and a malformed one becomes an `invalid`
// value with a reason rather than an exception.

import { LOCAL_DISK_CAPACITY_ANNOTATION, SRIOV_VF_RESOURCE } from '../names.ts';
import { parseQuantity } from '../quantity.ts';
import type { Published } from './node-view.ts';

export interface NodeCapacity {
  name: string;
  /** Allocatable VFs (the device plugin counts only healthy ones); 0 when absent or bad. */
  vfs: number;
  /** Published free local disk in bytes. */
  disk: Published<number>;
}

export interface ZoneCapacity {
  name: string;
  cpu: { allocatable: number; available: number };
  memory: { allocatable: number; available: number };
  vfs: { allocatable: number; available: number };
}

export const TOPOLOGY_SOURCE = 'NodeResourceTopology';

function quantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  try {
    const n = parseQuantity(value);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

interface NodeLike {
  metadata?: { name?: string; annotations?: Record<string, string> | null } | null;
  status?: { allocatable?: Record<string, string> | null } | null;
}

export function nodeCapacity(node: NodeLike): NodeCapacity {
  const name = node.metadata?.name ?? '';
  const vfs = quantity(node.status?.allocatable?.[SRIOV_VF_RESOURCE]) ?? 0;
  const raw = node.metadata?.annotations?.[LOCAL_DISK_CAPACITY_ANNOTATION];
  let disk: Published<number>;
  if (raw === undefined) {
    disk = { state: 'missing', source: `annotation ${LOCAL_DISK_CAPACITY_ANNOTATION}` };
  } else {
    // TopoLVM publishes a plain byte count; a quantity is accepted too.
    const bytes = quantity(raw);
    disk =
      bytes === undefined
        ? {
            state: 'invalid',
            source: `annotation ${LOCAL_DISK_CAPACITY_ANNOTATION}`,
            reason: `node annotation ${LOCAL_DISK_CAPACITY_ANNOTATION} is not a byte count: "${raw.slice(0, 64)}"`,
          }
        : { state: 'ok', value: bytes };
  }
  return { name, vfs: Number.isInteger(vfs) ? vfs : Math.floor(vfs), disk };
}

interface ResourceInfoLike {
  name?: unknown;
  allocatable?: unknown;
  available?: unknown;
}

function invalid(reason: string): Published<ZoneCapacity[]> {
  return { state: 'invalid', source: TOPOLOGY_SOURCE, reason };
}

/** The NUMA zones (type Node) of a topology.node.k8s.io/v1alpha2 NodeResourceTopology. */
export function topologyZones(nrt: unknown): Published<ZoneCapacity[]> {
  const zones = (nrt as { zones?: unknown } | null)?.zones;
  if (!Array.isArray(zones)) return invalid(`${TOPOLOGY_SOURCE} has no zones list`);
  const out: ZoneCapacity[] = [];
  for (const [i, zone] of zones.entries()) {
    const z = zone as { name?: unknown; type?: unknown; resources?: unknown } | null;
    if (typeof z?.name !== 'string' || z.name === '')
      return invalid(`${TOPOLOGY_SOURCE} zone ${i} has no name`);
    if (z.type !== 'Node') continue; // sockets, cores, caches: not a NUMA node
    const amounts = {
      cpu: { allocatable: 0, available: 0 },
      memory: { allocatable: 0, available: 0 },
      vfs: { allocatable: 0, available: 0 },
    };
    const resources = z.resources ?? [];
    if (!Array.isArray(resources)) return invalid(`${TOPOLOGY_SOURCE} zone ${z.name} has no resources list`);
    for (const r of resources as ResourceInfoLike[]) {
      const key =
        r?.name === 'cpu'
          ? 'cpu'
          : r?.name === 'memory'
            ? 'memory'
            : r?.name === SRIOV_VF_RESOURCE
              ? 'vfs'
              : undefined;
      if (key === undefined) continue;
      const allocatable = quantity(r.allocatable);
      const available = quantity(r.available);
      if (allocatable === undefined || available === undefined) {
        return invalid(`${TOPOLOGY_SOURCE} zone ${z.name} has a malformed ${String(r.name)} amount`);
      }
      amounts[key] = { allocatable, available: Math.min(available, allocatable) };
    }
    out.push({ name: z.name, ...amounts });
  }
  return { state: 'ok', value: out };
}
