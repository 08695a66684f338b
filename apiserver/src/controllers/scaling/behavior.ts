// Behaviour per direction, as autoscaling/v2 defines it: a stabilisation window (scale up to
// the lowest, down to the highest recommendation seen within it) and rate policies (Pods or
// Percent per period, the most or least permissive chosen by selectPolicy, Disabled freezing
// the direction), with the HPA's defaults. The recommendations and scale events it looks back
// on are plain data the caller keeps (PolicyMemory). Pure: the time is an argument.

import type { ScalingDirection, ScalingPolicyRate } from '../../../../common/apis/scaling/v1alpha1/types.ts';

export interface TimedValue {
  timeMs: number;
  value: number;
}

/** What one policy remembers between periods: its raw recommendations and the scale events. */
export interface PolicyMemory {
  recommendations: readonly TimedValue[];
  /** Replica changes written for the service: positive up, negative down. */
  scaleEvents: readonly TimedValue[];
}

export const EMPTY_MEMORY: PolicyMemory = { recommendations: [], scaleEvents: [] };

export interface ResolvedDirection {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: readonly ScalingPolicyRate[];
}

const DEFAULT_UP: ResolvedDirection = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 15 },
    { type: 'Pods', value: 4, periodSeconds: 15 },
  ],
};

const DEFAULT_DOWN: ResolvedDirection = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

export function resolveDirection(given: ScalingDirection | undefined, up: boolean): ResolvedDirection {
  const fallback = up ? DEFAULT_UP : DEFAULT_DOWN;
  return {
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? fallback.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? fallback.selectPolicy,
    policies: given?.policies && given.policies.length > 0 ? given.policies : fallback.policies,
  };
}

/** Longest look-back any behaviour needs; older memory can be dropped. */
export const MAX_MEMORY_MS = 3600 * 1000;

/**
 * The recommendation after the stabilisation windows: never above the lowest recommendation
 * of the scale-up window, never below the highest of the scale-down window (current included).
 */
export function stabilize(
  current: number,
  recommendation: number,
  memory: PolicyMemory,
  up: ResolvedDirection,
  down: ResolvedDirection,
  nowMs: number,
): number {
  const upCutoff = nowMs - up.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - down.stabilizationWindowSeconds * 1000;
  let upLimit = recommendation;
  let downLimit = recommendation;
  for (const r of memory.recommendations) {
    if (r.timeMs > upCutoff) upLimit = Math.min(upLimit, r.value);
    if (r.timeMs > downCutoff) downLimit = Math.max(downLimit, r.value);
  }
  let result = current;
  if (result < upLimit) result = upLimit;
  if (result > downLimit) result = downLimit;
  return result;
}

function changeWithin(
  events: readonly TimedValue[],
  periodSeconds: number,
  nowMs: number,
  up: boolean,
): number {
  const cutoff = nowMs - periodSeconds * 1000;
  let total = 0;
  for (const e of events) {
    if (e.timeMs > cutoff && (up ? e.value > 0 : e.value < 0)) total += Math.abs(e.value);
  }
  return total;
}

/**
 * The furthest count the rate policies allow now in one direction, measured from the count at
 * the start of each policy's period; selectPolicy Max takes the biggest change, Min the
 * smallest, Disabled none.
 */
function rateLimit(
  current: number,
  memory: PolicyMemory,
  rules: ResolvedDirection,
  nowMs: number,
  up: boolean,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const sign = up ? 1 : -1;
  let change = rules.selectPolicy === 'Min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const policy of rules.policies) {
    const added = changeWithin(memory.scaleEvents, policy.periodSeconds, nowMs, true);
    const removed = changeWithin(memory.scaleEvents, policy.periodSeconds, nowMs, false);
    const periodStart = current - added + removed;
    // A percentage rounds towards allowing a change up, and towards keeping replicas down.
    const proposed =
      policy.type === 'Pods'
        ? periodStart + sign * policy.value
        : up
          ? Math.ceil(periodStart * (1 + policy.value / 100))
          : Math.trunc(periodStart * (1 - policy.value / 100));
    const size = sign * (proposed - current);
    change = rules.selectPolicy === 'Min' ? Math.min(change, size) : Math.max(change, size);
  }
  return current + sign * Math.max(change, 0);
}

/** Highest count the scale-up rate policies allow now (current when Disabled). */
export function scaleUpLimit(
  current: number,
  memory: PolicyMemory,
  rules: ResolvedDirection,
  nowMs: number,
): number {
  return rateLimit(current, memory, rules, nowMs, true);
}

/** Lowest count the scale-down rate policies allow now (current when Disabled). */
export function scaleDownLimit(
  current: number,
  memory: PolicyMemory,
  rules: ResolvedDirection,
  nowMs: number,
): number {
  return rateLimit(current, memory, rules, nowMs, false);
}

/** The memory with this period's recommendation added and what no window can see dropped. */
export function remember(
  memory: PolicyMemory,
  nowMs: number,
  recommendation: number | undefined,
): PolicyMemory {
  const cutoff = nowMs - MAX_MEMORY_MS;
  const recommendations = memory.recommendations.filter((r) => r.timeMs > cutoff);
  if (recommendation !== undefined) recommendations.push({ timeMs: nowMs, value: recommendation });
  return { recommendations, scaleEvents: memory.scaleEvents.filter((e) => e.timeMs > cutoff) };
}

/** The memory after the service's count was written from `from` to `to`. */
export function recordScale(memory: PolicyMemory, nowMs: number, from: number, to: number): PolicyMemory {
  if (from === to) return memory;
  return { ...memory, scaleEvents: [...memory.scaleEvents, { timeMs: nowMs, value: to - from }] };
}
