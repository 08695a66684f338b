// Pods as the resource rules see them: phase, deletion, readiness and its last change, start
// time and the summed container requests. Malformed fields become "absent", never a throw:
// the decision then sets the pod aside or reports the missing request.

import { parseQuantity } from '../../../../../common/quantity.ts';
import type { PodPhase, PodState } from '../observations.ts';

interface PodLike {
  metadata?: { name?: string; deletionTimestamp?: string | Date };
  spec?: { containers?: Array<{ resources?: { requests?: Record<string, string> } }> };
  status?: {
    phase?: string;
    startTime?: string | Date;
    conditions?: Array<{ type?: string; status?: string; lastTransitionTime?: string | Date }>;
  };
}

const PHASES = new Set<PodPhase>(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

function ms(value: string | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function quantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseQuantity(text);
  } catch {
    return undefined;
  }
}

/** The sum over containers, or undefined when any container lacks the request. */
function summed(pod: PodLike, resource: 'cpu' | 'memory'): number | undefined {
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) return undefined;
  let total = 0;
  for (const c of containers) {
    const value = quantity(c.resources?.requests?.[resource]);
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

export function podState(pod: PodLike): PodState {
  const phase = pod.status?.phase as PodPhase | undefined;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const cpu = summed(pod, 'cpu');
  const memory = summed(pod, 'memory');
  const readyTransitionMs = ms(ready?.lastTransitionTime);
  const startMs = ms(pod.status?.startTime);
  return {
    name: pod.metadata?.name ?? '',
    phase: phase !== undefined && PHASES.has(phase) ? phase : 'Unknown',
    deleting: pod.metadata?.deletionTimestamp !== undefined,
    ...(ready?.status === 'True' || ready?.status === 'False' ? { ready: ready.status === 'True' } : {}),
    ...(readyTransitionMs === undefined ? {} : { readyTransitionMs }),
    ...(startMs === undefined ? {} : { startMs }),
    requests: { ...(cpu === undefined ? {} : { cpu }), ...(memory === undefined ? {} : { memory }) },
  };
}
