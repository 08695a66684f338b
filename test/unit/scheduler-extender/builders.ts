// Builders for extender unit tests: demands, node views, pods, Nodes and topologies, with
// defaults that pass every predicate so each test states only what it varies.

import {
  LOCAL_DISK_CAPACITY_ANNOTATION,
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  SRIOV_VF_RESOURCE,
} from '../../../common/names.ts';
import type { PodDemand, PodLike } from '../../../common/nodes/demand.ts';
import type { Amount, NodeView, ZoneView } from '../../../common/nodes/node-view.ts';

export const Gi = 2 ** 30;

export function demand(over: Partial<PodDemand> = {}): PodDemand {
  return {
    key: 'ns/p',
    uid: 'uid-p',
    cpu: 0,
    memory: 0,
    vfs: 0,
    localDisk: 0,
    singleNuma: false,
    coreService: undefined,
    problems: [],
    ...over,
  };
}

export function amount(total: number, free = total, held = 0): Amount {
  return { total, free, held };
}

export function zone(name: string, cpu: number, memoryGi: number, vfs: number): ZoneView {
  return { name, cpu: amount(cpu), memory: amount(memoryGi * Gi), vfs: amount(vfs) };
}

export function view(over: Partial<NodeView> = {}): NodeView {
  return {
    name: 'n1',
    vfs: amount(16),
    disk: { state: 'ok', value: amount(1536 * Gi) },
    zones: { state: 'ok', value: [zone('node-0', 32, 128, 8), zone('node-1', 32, 128, 8)] },
    coreServices: new Set(),
    ...over,
  };
}

export function pod(
  name: string,
  requests: Record<string, string>,
  options: { numa?: string; nodeName?: string; uid?: string; labels?: Record<string, string> } = {},
): PodLike {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: options.uid ?? `uid-${name}`,
      labels: options.labels ?? {},
      annotations: options.numa ? { [NUMA_POLICY_ANNOTATION]: options.numa } : {},
    },
    spec: {
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      containers: [{ resources: { requests } }],
    },
    status: { phase: options.nodeName ? 'Running' : 'Pending' },
  };
}

export function node(name: string, options: { vfs?: number; diskGi?: number; diskRaw?: string } = {}) {
  const annotations: Record<string, string> = {};
  if (options.diskRaw !== undefined) annotations[LOCAL_DISK_CAPACITY_ANNOTATION] = options.diskRaw;
  else if (options.diskGi !== undefined)
    annotations[LOCAL_DISK_CAPACITY_ANNOTATION] = String(options.diskGi * Gi);
  return {
    metadata: { name, annotations },
    status: {
      allocatable: { cpu: '64', ...(options.vfs ? { [SRIOV_VF_RESOURCE]: String(options.vfs) } : {}) },
    },
  };
}

export function topology(name: string, zones: Array<{ cpu: number; memoryGi: number; vfs: number }>) {
  const r = (n: string, v: string) => ({ name: n, capacity: v, allocatable: v, available: v });
  return {
    metadata: { name },
    zones: zones.map((z, i) => ({
      name: `node-${i}`,
      type: 'Node',
      resources: [
        r('cpu', String(z.cpu)),
        r('memory', `${z.memoryGi}Gi`),
        r(SRIOV_VF_RESOURCE, String(z.vfs)),
      ],
    })),
  };
}

export const disk = (gi: number) => ({ [LOCAL_DISK_RESOURCE]: `${gi}Gi` });
export const vfs = (n: number) => ({ [SRIOV_VF_RESOURCE]: String(n) });

/** A repeatable pseudo-random sequence (a linear congruential generator) and a picker over it. */
export function seeded(seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  return { random, pick };
}
