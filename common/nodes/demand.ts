// What a pod asks of a node, as far as the extender's predicates and scores care: CPU and
// memory (for NUMA fit), SR-IOV VFs, local disk, NUMA alignment and core-service identity.
// Pure: derived from the pod object alone. A pod whose hints are malformed gets `problems`,
// which fail it on every node with the reason instead of crashing anything.

import {
  CORE_SERVICE_LABEL,
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_NONE,
  NUMA_POLICY_SINGLE_NODE,
  SERVICE_LABEL,
  SRIOV_VF_RESOURCE,
} from '../names.ts';
import { parseQuantity } from '../quantity.ts';

export interface PodDemand {
  /** `namespace/name`, for logs and reasons. */
  key: string;
  /** Identity of reservations; falls back to the key when the pod has no uid. */
  uid: string;
  cpu: number;
  memory: number;
  vfs: number;
  localDisk: number;
  singleNuma: boolean;
  /** `namespace/service` when the pod belongs to a core service. */
  coreService: string | undefined;
  /** Malformed hints: the pod fails on every node with these reasons. */
  problems: string[];
}

/** The subset of a v1.Pod the extender reads; everything optional, since input is untrusted. */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
  } | null;
  spec?: {
    nodeName?: string | null;
    containers?: ContainerLike[] | null;
    initContainers?: ContainerLike[] | null;
    overhead?: Record<string, string> | null;
  } | null;
  status?: { phase?: string | null } | null;
}

interface ContainerLike {
  restartPolicy?: string | null;
  resources?: {
    requests?: Record<string, string> | null;
    limits?: Record<string, string> | null;
  } | null;
}

const COUNTED = ['cpu', 'memory', SRIOV_VF_RESOURCE, LOCAL_DISK_RESOURCE] as const;
type Counted = (typeof COUNTED)[number];
type Amounts = Record<Counted, number>;

const zero = (): Amounts => ({ cpu: 0, memory: 0, [SRIOV_VF_RESOURCE]: 0, [LOCAL_DISK_RESOURCE]: 0 });

function containerAmounts(c: ContainerLike, problems: string[], where: string): Amounts {
  const out = zero();
  for (const name of COUNTED) {
    // An extended resource may be given as a limit only; the request then defaults to it.
    const text = c.resources?.requests?.[name] ?? c.resources?.limits?.[name];
    if (text === undefined || text === null) continue;
    try {
      const value = parseQuantity(String(text));
      if (!(value >= 0)) throw new Error('negative');
      out[name] = value;
    } catch {
      problems.push(`${where} requests ${name}: "${String(text)}" is not a valid quantity`);
    }
  }
  return out;
}

/**
 * Effective requests as kube-scheduler computes them: the larger of the regular containers'
 * sum (plus restartable init "sidecars") and the largest init container, plus pod overhead.
 */
function effectiveRequests(pod: PodLike, problems: string[]): Amounts {
  const total = zero();
  const sidecars = zero();
  const initMax = zero();
  (pod.spec?.containers ?? []).forEach((c, i) => {
    const a = containerAmounts(c, problems, `container ${i}`);
    for (const name of COUNTED) total[name] += a[name];
  });
  (pod.spec?.initContainers ?? []).forEach((c, i) => {
    const a = containerAmounts(c, problems, `init container ${i}`);
    for (const name of COUNTED) {
      if (c.restartPolicy === 'Always') sidecars[name] += a[name];
      else initMax[name] = Math.max(initMax[name], a[name] + sidecars[name]);
    }
  });
  const overhead = containerAmounts(
    { resources: { requests: pod.spec?.overhead ?? null } },
    problems,
    'overhead',
  );
  const out = zero();
  for (const name of COUNTED) {
    out[name] = Math.max(total[name] + sidecars[name], initMax[name]) + overhead[name];
  }
  return out;
}

export function podDemand(pod: PodLike): PodDemand {
  const problems: string[] = [];
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? '';
  const key = `${namespace}/${name}`;
  const requests = effectiveRequests(pod, problems);
  const annotations = pod.metadata?.annotations ?? {};
  const labels = pod.metadata?.labels ?? {};
  const numa = annotations[NUMA_POLICY_ANNOTATION];
  if (numa !== undefined && numa !== NUMA_POLICY_SINGLE_NODE && numa !== NUMA_POLICY_NONE) {
    problems.push(
      `annotation ${NUMA_POLICY_ANNOTATION} must be ${NUMA_POLICY_SINGLE_NODE} or ${NUMA_POLICY_NONE}, got "${numa}"`,
    );
  }
  if (!Number.isInteger(requests[SRIOV_VF_RESOURCE])) {
    problems.push(`${SRIOV_VF_RESOURCE} must be a whole number of VFs`);
  }
  const core = labels[CORE_SERVICE_LABEL] === 'true';
  return {
    key,
    uid: pod.metadata?.uid || key,
    cpu: requests.cpu,
    memory: requests.memory,
    vfs: requests[SRIOV_VF_RESOURCE],
    localDisk: requests[LOCAL_DISK_RESOURCE],
    singleNuma: numa === NUMA_POLICY_SINGLE_NODE,
    coreService: core ? `${namespace}/${labels[SERVICE_LABEL] ?? name}` : undefined,
    problems,
  };
}

/** True when none of the extender's predicates or scores has anything to say about the pod. */
export function isIndifferent(d: PodDemand): boolean {
  return (
    d.vfs === 0 &&
    d.localDisk === 0 &&
    !d.singleNuma &&
    d.coreService === undefined &&
    d.problems.length === 0
  );
}
