// What the nodes offer, for `devices` and `topology`: SR-IOV VF pools per node (capacity,
// healthy = allocatable, allocated = requests of pods bound there) and NUMA zones from
// NodeResourceTopology, local disk from the node annotation. Pure.

import { LOCAL_DISK_CAPACITY_ANNOTATION, SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { formatBytes } from '../../../common/quantity.ts';

export interface NodeLike {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { capacity?: Record<string, string>; allocatable?: Record<string, string> };
}

export interface PodOnNode {
  spec?: { nodeName?: string; containers?: { resources?: { requests?: Record<string, string> } }[] };
  status?: { phase?: string };
}

export interface ZoneResource {
  name: string;
  capacity?: string;
  allocatable?: string;
  available?: string;
}

export interface TopologyLike {
  metadata: { name: string };
  zones?: { name: string; type?: string; resources?: ZoneResource[] }[];
}

/** Resource names that are SR-IOV VF pools (the default pool and named ones). */
export const isVfPool = (resource: string) =>
  resource === SRIOV_VF_RESOURCE || resource.startsWith(`${SRIOV_VF_RESOURCE}-`);

const int = (v: string | undefined) => (v === undefined ? 0 : Number.parseInt(v, 10) || 0);

/** One row per (node, VF pool): NODE, POOL, ZONES (VFs per zone), CAPACITY, HEALTHY, ALLOCATED, FREE. */
export function deviceRows(nodes: NodeLike[], topologies: TopologyLike[], pods: PodOnNode[]): string[][] {
  const rows: string[][] = [];
  for (const node of [...nodes].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const capacity = node.status?.capacity ?? {};
    const pools = Object.keys(capacity).filter(isVfPool).sort();
    const topology = topologies.find((t) => t.metadata.name === node.metadata.name);
    for (const pool of pools) {
      const allocated = pods
        .filter(
          (p) =>
            p.spec?.nodeName === node.metadata.name &&
            p.status?.phase !== 'Succeeded' &&
            p.status?.phase !== 'Failed',
        )
        .reduce(
          (sum, p) =>
            sum + (p.spec?.containers ?? []).reduce((s, c) => s + int(c.resources?.requests?.[pool]), 0),
          0,
        );
      const healthy = int(node.status?.allocatable?.[pool]);
      const zones = (topology?.zones ?? [])
        .map((z) => `${z.name}=${z.resources?.find((r) => r.name === pool)?.capacity ?? '0'}`)
        .join(',');
      rows.push([
        node.metadata.name,
        pool,
        zones || '<unknown>',
        String(int(capacity[pool])),
        String(healthy),
        String(allocated),
        String(Math.max(0, healthy - allocated)),
      ]);
    }
  }
  return rows;
}

/** One row per NUMA zone of a node: ZONE, CPUS, MEMORY, VFS (available/capacity). */
export function zoneRows(topology: TopologyLike): string[][] {
  const show = (r: ZoneResource | undefined, bytes = false) => {
    if (!r) return '0';
    const fmt = (v: string | undefined) =>
      bytes && v && /^\d+$/.test(v) ? formatBytes(Number(v)) : (v ?? '?');
    return r.available !== undefined && r.available !== r.capacity
      ? `${fmt(r.available)}/${fmt(r.capacity)}`
      : fmt(r.capacity);
  };
  return (topology.zones ?? []).map((z) => {
    const res = (name: string) => z.resources?.find((r) => r.name === name);
    const vfs = (z.resources ?? []).filter((r) => isVfPool(r.name));
    return [
      z.name,
      show(res('cpu')),
      show(res('memory'), true),
      vfs.length === 0
        ? '0'
        : vfs.map((r) => `${show(r)}${r.name === SRIOV_VF_RESOURCE ? '' : ` (${r.name})`}`).join(', '),
    ];
  });
}

/** The node's free local disk, from the capacity annotation (bytes). */
export function localDisk(node: NodeLike): string {
  const bytes = node.metadata.annotations?.[LOCAL_DISK_CAPACITY_ANNOTATION];
  return bytes && /^\d+$/.test(bytes) ? formatBytes(Number(bytes)) : '<not published>';
}
