// One metric rule's proposal, with the horizontal pod autoscaler's algorithm and edge cases
// as Kubernetes documents them: desired = ceil(current × value / target); no change within
// the tolerance; pods being deleted and failed pods ignored; pending pods, pods without
// metrics and (for CPU) pods still initialising set aside, then counted as using 100 % or 0 %
// of their request only in the direction that dampens the change; no change if that reverses
// the direction. Pure: the clock is an argument.

import type { PodState, UsageSample } from './observations.ts';

export interface Tolerance {
  /** Largest ratio - 1 that still means "no change" when the metric is above target. */
  up: number;
  /** Largest 1 - ratio that still means "no change" when the metric is below target. */
  down: number;
}

export type RuleResult =
  | { ok: true; replicas: number; value: number; target: number }
  | { ok: false; error: string };

export interface ResourceRuleInput {
  resource: 'cpu' | 'memory';
  targetUtilization: number;
  currentReplicas: number;
  pods: readonly PodState[];
  usage: ReadonlyMap<string, UsageSample>;
  tolerance: Tolerance;
  nowMs: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
}

function withinTolerance(ratio: number, tolerance: Tolerance): boolean {
  return ratio >= 1 ? ratio - 1 <= tolerance.up : 1 - ratio <= tolerance.down;
}

/** Whether a pod's CPU sample may not reflect steady use yet (the HPA's "unready" set). */
function cpuUnready(pod: PodState, sample: UsageSample, input: ResourceRuleInput): boolean {
  if (pod.ready === undefined || pod.startMs === undefined) return true;
  if (pod.startMs + input.cpuInitializationPeriodMs > input.nowMs) {
    // Still initialising: count it only when ready and sampled over a window after it became so.
    const transition = pod.readyTransitionMs ?? pod.startMs;
    return !pod.ready || sample.timestampMs < transition + sample.windowMs;
  }
  // Past initialisation: unready only if it never became ready shortly after starting.
  return !pod.ready && pod.startMs + input.initialReadinessDelayMs > (pod.readyTransitionMs ?? pod.startMs);
}

function utilization(usage: ReadonlyMap<string, number>, requests: ReadonlyMap<string, number>): number {
  let used = 0;
  let requested = 0;
  for (const [name, value] of usage) {
    used += value;
    requested += requests.get(name) ?? 0;
  }
  // An integer percentage, as the HPA computes it (the epsilon absorbs binary fractions).
  return Math.trunc((used * 100) / requested + 1e-9);
}

export function resourceReplicas(input: ResourceRuleInput): RuleResult {
  const { resource, targetUtilization: target, currentReplicas: current, tolerance } = input;
  if (input.pods.length === 0) return { ok: false, error: 'no pods of the service to measure' };
  const counted = new Map<string, number>();
  const requests = new Map<string, number>();
  const unready: string[] = [];
  const missing: string[] = [];
  let readyCount = 0;
  for (const pod of input.pods) {
    if (pod.deleting || pod.phase === 'Failed' || pod.phase === 'Succeeded') continue;
    const request = pod.requests[resource];
    if (request === undefined || request <= 0) {
      return { ok: false, error: `pod ${pod.name} has no ${resource} request: utilisation is undefined` };
    }
    requests.set(pod.name, request);
    if (pod.phase === 'Pending') {
      unready.push(pod.name);
      continue;
    }
    const sample = input.usage.get(pod.name);
    if (sample === undefined) {
      missing.push(pod.name);
      continue;
    }
    if (resource === 'cpu' && cpuUnready(pod, sample, input)) {
      unready.push(pod.name);
      continue;
    }
    counted.set(pod.name, sample.value);
    readyCount++;
  }
  if (counted.size === 0) return { ok: false, error: `no ${resource} metrics for the pods of the service` };

  const measured = utilization(counted, requests);
  const ratio = measured / target;
  const value = measured;
  const scaleUpWithUnready = unready.length > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.length === 0) {
    if (withinTolerance(ratio, tolerance)) return { ok: true, replicas: current, value, target };
    return { ok: true, replicas: Math.ceil(ratio * readyCount), value, target };
  }
  // Re-add the pods set aside, each in the way that dampens the change.
  if (ratio < 1) {
    const fallbackPercent = Math.max(100, target);
    for (const name of missing) counted.set(name, ((requests.get(name) ?? 0) * fallbackPercent) / 100);
  } else if (ratio > 1) {
    for (const name of missing) counted.set(name, 0);
  }
  if (scaleUpWithUnready) for (const name of unready) counted.set(name, 0);
  const adjusted = utilization(counted, requests) / target;
  if (withinTolerance(adjusted, tolerance) || (ratio < 1 && adjusted > 1) || (ratio > 1 && adjusted < 1)) {
    return { ok: true, replicas: current, value, target };
  }
  const replicas = Math.ceil(adjusted * counted.size);
  if ((adjusted < 1 && replicas > current) || (adjusted > 1 && replicas < current)) {
    return { ok: true, replicas: current, value, target };
  }
  return { ok: true, replicas, value, target };
}

export interface PrometheusRuleInput {
  /** The query's value; undefined when it returned no sample. */
  value: number | undefined;
  emptyAs?: number;
  targetPerReplica: number;
  currentReplicas: number;
  tolerance: Tolerance;
}

/** A total divided across replicas (QPS, queue length): desired = ceil(value / targetPerReplica). */
export function prometheusReplicas(input: PrometheusRuleInput): RuleResult {
  const value = input.value ?? input.emptyAs;
  const target = input.targetPerReplica;
  if (value === undefined) {
    return { ok: false, error: 'the query returned no sample (set emptyAs to read that as a value)' };
  }
  if (!Number.isFinite(value) || value < 0) {
    return { ok: false, error: `the query returned ${value}: not a finite, non-negative number` };
  }
  if (input.currentReplicas > 0) {
    const ratio = value / (target * input.currentReplicas);
    if (withinTolerance(ratio, input.tolerance)) {
      return { ok: true, replicas: input.currentReplicas, value, target };
    }
  }
  return { ok: true, replicas: Math.ceil(value / target), value, target };
}
