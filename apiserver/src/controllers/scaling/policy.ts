// One policy's decision for one period: every rule's value and proposal, the metric rules
// combined, then each clamp in order — schedule floor and ceiling, stabilisation, rate,
// min/max, capacity, pause — each recorded with its from → to. A failed source affects only
// its own rule (or proposes the rule's fallbackReplicas); if every metric rule fails, the
// count is held. Pure: observations, memory and time come in, the outcome goes out.

import type {
  Clamp,
  ClampKind,
  RuleValue,
  ScalingPolicySpec,
  ScalingRule,
} from '../../../../common/apis/scaling/v1alpha1/types.ts';
import {
  type PolicyMemory,
  remember,
  resolveDirection,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
} from './behavior.ts';
import { guardScaleUp } from './capacity.ts';
import { combine, type Proposal } from './combine.ts';
import type { CapacityView, RuleObservation } from './observations.ts';
import { prometheusReplicas, type RuleResult, resourceReplicas, type Tolerance } from './replicas.ts';
import { windowAt } from './schedule.ts';

export interface PolicyInput {
  name: string;
  spec: ScalingPolicySpec;
  /** Observations of the metric rules, by rule name; a rule without one has failed. */
  observations: ReadonlyMap<string, RuleObservation>;
  memory: PolicyMemory;
  /** Where new replicas could go; undefined when the view is unavailable. */
  capacity?: CapacityView;
}

export interface PolicyOutcome {
  name: string;
  rules: RuleValue[];
  /** The metric rules combined (or minReplicas without metric rules, current when held). */
  proposal: number;
  winnerRule?: string;
  /** Every metric rule failed: the count was held. */
  held: boolean;
  clamps: Clamp[];
  /** This policy's count after every clamp. */
  result: number;
  memory: PolicyMemory;
  /** Rules whose source failed, with why. */
  failures: Array<{ rule: string; error: string }>;
  /** What the capacity guard said, when it had something to say. */
  capacity?: { limited: boolean; message: string };
}

function ruleResult(
  rule: ScalingRule,
  observation: RuleObservation | undefined,
  spec: ScalingPolicySpec,
  current: number,
  nowMs: number,
  tolerance: Tolerance,
): RuleResult {
  if (observation === undefined) return { ok: false, error: 'no observation' };
  if (observation.kind === 'failed') return { ok: false, error: observation.error };
  if (rule.resource && observation.kind === 'resource') {
    return resourceReplicas({
      resource: rule.resource.name,
      targetUtilization: rule.resource.targetUtilization,
      currentReplicas: current,
      pods: observation.pods,
      usage: observation.usage,
      tolerance,
      nowMs,
      cpuInitializationPeriodMs: (spec.cpuInitializationPeriodSeconds ?? 300) * 1000,
      initialReadinessDelayMs: (spec.initialReadinessDelaySeconds ?? 30) * 1000,
    });
  }
  if (rule.prometheus && observation.kind === 'prometheus') {
    return prometheusReplicas({
      value: observation.value,
      ...(rule.prometheus.emptyAs === undefined ? {} : { emptyAs: rule.prometheus.emptyAs }),
      targetPerReplica: rule.prometheus.targetPerReplica,
      currentReplicas: current,
      tolerance,
    });
  }
  return { ok: false, error: `observation of kind ${observation.kind} does not fit the rule` };
}

export function decidePolicy(input: PolicyInput, current: number, nowMs: number): PolicyOutcome {
  const { spec } = input;
  const min = spec.minReplicas ?? 1;
  const max = spec.maxReplicas;
  const base = spec.tolerance ?? 0.1;
  const tolerance: Tolerance = {
    up: spec.behavior?.scaleUp?.tolerance ?? base,
    down: spec.behavior?.scaleDown?.tolerance ?? base,
  };
  const rules: RuleValue[] = [];
  const proposals: Proposal[] = [];
  const failures: Array<{ rule: string; error: string }> = [];
  let metricRules = 0;
  let floor: { rule: string; replicas: number } | undefined;
  let ceiling: { rule: string; replicas: number } | undefined;

  for (const rule of spec.rules) {
    if (rule.schedule) {
      const window = windowAt(rule.schedule, nowMs);
      if (!window.ok) {
        failures.push({ rule: rule.name, error: window.error });
        rules.push({ name: rule.name, source: 'schedule', error: window.error });
        continue;
      }
      rules.push({
        name: rule.name,
        source: 'schedule',
        active: window.active,
        ...(window.active ? { desiredReplicas: rule.schedule.replicas } : {}),
      });
      if (!window.active) continue;
      if (floor === undefined || rule.schedule.replicas > floor.replicas) {
        floor = { rule: rule.name, replicas: rule.schedule.replicas };
      }
      const top = rule.schedule.maxReplicas;
      if (top !== undefined && (ceiling === undefined || top < ceiling.replicas)) {
        ceiling = { rule: rule.name, replicas: top };
      }
      continue;
    }
    metricRules++;
    const source = rule.resource ? 'resource' : 'prometheus';
    const result = ruleResult(rule, input.observations.get(rule.name), spec, current, nowMs, tolerance);
    const weight = rule.weight ?? 1;
    const priority = rule.priority ?? 0;
    if (result.ok) {
      rules.push({
        name: rule.name,
        source,
        value: result.value,
        target: result.target,
        desiredReplicas: result.replicas,
      });
      proposals.push({ rule: rule.name, replicas: result.replicas, weight, priority });
      continue;
    }
    failures.push({ rule: rule.name, error: result.error });
    if (rule.fallbackReplicas === undefined) {
      rules.push({ name: rule.name, source, error: result.error });
    } else {
      rules.push({
        name: rule.name,
        source,
        error: result.error,
        desiredReplicas: rule.fallbackReplicas,
        fallback: true,
      });
      proposals.push({ rule: rule.name, replicas: rule.fallbackReplicas, weight, priority });
    }
  }

  const combined = combine(spec.combine ?? 'Max', proposals);
  const held = metricRules > 0 && combined === undefined;
  const proposal = combined?.replicas ?? (held ? current : min);
  let winnerRule = combined?.rule;
  const clamps: Clamp[] = [];
  let value = proposal;
  const clamp = (kind: ClampKind, to: number, message: string): void => {
    if (to === value) return;
    clamps.push({ kind, from: value, to, message });
    value = to;
  };

  if (floor && value < floor.replicas) {
    clamp('ScheduleFloor', floor.replicas, `window of rule ${floor.rule} holds at least ${floor.replicas}`);
    winnerRule = floor.rule;
  }
  if (ceiling && value > Math.max(ceiling.replicas, floor?.replicas ?? 0)) {
    clamp(
      'ScheduleCeiling',
      ceiling.replicas,
      `window of rule ${ceiling.rule} allows at most ${ceiling.replicas}`,
    );
  }

  const up = resolveDirection(spec.behavior?.scaleUp, true);
  const down = resolveDirection(spec.behavior?.scaleDown, false);
  const memory = remember(input.memory, nowMs, held ? undefined : value);
  if (!held) {
    clamp('Stabilization', stabilize(current, value, input.memory, up, down, nowMs), 'stabilisation window');
  }
  if (value > current) {
    const limit = scaleUpLimit(current, input.memory, up, nowMs);
    if (value > limit) clamp('Rate', limit, `scale-up rate limit (${up.selectPolicy}) allows ${limit}`);
  } else if (value < current) {
    const limit = scaleDownLimit(current, input.memory, down, nowMs);
    if (value < limit) clamp('Rate', limit, `scale-down rate limit (${down.selectPolicy}) allows ${limit}`);
  }
  if (value < min) clamp('MinReplicas', min, `minReplicas is ${min}`);
  if (value > max) clamp('MaxReplicas', max, `maxReplicas is ${max}`);

  let capacity: PolicyOutcome['capacity'];
  if (spec.capacityGuard && value > current) {
    const verdict = guardScaleUp(current, value, input.capacity, {
      maxUtilizationPercent: spec.capacityGuard.maxUtilizationPercent,
      action: spec.capacityGuard.action ?? 'Refuse',
    });
    if (verdict.message !== undefined) capacity = { limited: verdict.limited, message: verdict.message };
    clamp('Capacity', verdict.replicas, verdict.message ?? 'capacity guard');
  }

  const paused = spec.paused ?? 'None';
  if (paused === 'All') clamp('Paused', current, 'paused: All');
  else if (paused === 'ScaleIn' && value < current) clamp('Paused', current, 'paused: ScaleIn');
  else if (paused === 'ScaleOut' && value > current) clamp('Paused', current, 'paused: ScaleOut');

  return {
    name: input.name,
    rules,
    proposal,
    ...(winnerRule === undefined ? {} : { winnerRule }),
    held,
    clamps,
    result: value,
    memory,
    failures,
    ...(capacity ? { capacity } : {}),
  };
}
