// How far a ProjectService's rollout is, read from its status and its pods: done, failed, or
// still going with the reasons pods are Pending (the scheduler's and the extender's words,
// from the pods' PodScheduled condition). Pure: what `--wait` prints and decides on.

export interface PodLike {
  metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string; message?: string } } }[];
  };
}

export interface ServiceLike {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    phase?: string;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
    endpoint?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface Progress {
  state: 'done' | 'failed' | 'waiting';
  /** One line: "2/3 ready, 3 updated, phase Progressing". */
  summary: string;
  /** Why pods wait, each distinct reason once with how many pods it holds back. */
  pending: string[];
  /** The failure, when state is failed. */
  failure?: string;
}

/** The distinct reasons pods are not running yet. */
export function pendingReasons(pods: readonly PodLike[]): string[] {
  const counts = new Map<string, number>();
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    let reason: string | undefined;
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (pod.status?.phase === 'Pending' && scheduled?.status === 'False')
      reason = `${scheduled.reason ?? 'Unschedulable'}: ${scheduled.message ?? ''}`.trim();
    else if (pod.status?.phase === 'Pending' && !pod.spec?.nodeName) reason = 'waiting to be scheduled';
    else {
      const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
      if (waiting?.reason && waiting.reason !== 'ContainerCreating')
        reason = `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    }
    if (reason) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `${n} pod${n === 1 ? '' : 's'} ${reason}`);
}

/**
 * `replaced`, when given, says whether a pod is one of the new ones a rollout without a spec
 * change must wait for (a restart): done needs every pod replaced and none still terminating.
 */
export function progressOf(
  ps: ServiceLike,
  pods: readonly PodLike[],
  replaced?: (pod: PodLike) => boolean,
): Progress {
  const status = ps.status ?? {};
  const desired = ps.spec?.replicas ?? 1;
  const observed = (status.observedGeneration ?? 0) >= (ps.metadata.generation ?? 0);
  let summary = `${status.readyReplicas ?? 0}/${desired} ready, ${status.updatedReplicas ?? 0} updated, phase ${status.phase ?? 'Unknown'}`;
  const pending = pendingReasons(pods);
  let rolled = true;
  if (replaced) {
    const fresh = pods.filter((p) => !p.metadata.deletionTimestamp && replaced(p)).length;
    rolled = fresh === pods.length && fresh >= desired;
    summary += `, ${fresh}/${desired} replaced`;
  }
  if (observed && status.phase === 'Running' && rolled) return { state: 'done', summary, pending: [] };
  if (observed && status.phase === 'Failed') {
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    return {
      state: 'failed',
      summary,
      pending,
      failure: `${ready?.reason ?? 'Failed'}: ${ready?.message ?? 'the service failed'}`,
    };
  }
  return { state: 'waiting', summary, pending };
}
