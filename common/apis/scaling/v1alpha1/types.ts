// TypeScript shape of ScalingPolicy, kept equal to schema.ts by
// test/unit/apiserver/apis/drift.test.ts.

import type { Condition, TypedObject } from '../../meta/types.ts';

export interface ResourceRule {
  name: 'cpu' | 'memory';
  targetUtilization: number;
}

export interface PrometheusRule {
  query: string;
  targetPerReplica: number;
  emptyAs?: number;
}

export interface ScheduleRule {
  cron: string;
  timeZone?: string;
  duration: string;
  replicas: number;
  maxReplicas?: number;
  excludeDates?: string[];
}

export interface ScalingRule {
  name: string;
  resource?: ResourceRule;
  prometheus?: PrometheusRule;
  schedule?: ScheduleRule;
  weight?: number;
  priority?: number;
  fallbackReplicas?: number;
}

export interface ScalingPolicyRate {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingDirection {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  tolerance?: number;
  policies?: ScalingPolicyRate[];
}

export type CapacityAction = 'Cap' | 'Refuse' | 'Warn';
export type PauseMode = 'None' | 'All' | 'ScaleIn' | 'ScaleOut';
export type CombineMode = 'Max' | 'Weighted' | 'Priority';

export interface ScalingPolicySpec {
  targetRef: { name: string };
  minReplicas?: number;
  maxReplicas: number;
  rules: ScalingRule[];
  combine?: CombineMode;
  precedence?: number;
  mode?: 'Auto' | 'Recommend';
  tolerance?: number;
  cpuInitializationPeriodSeconds?: number;
  initialReadinessDelaySeconds?: number;
  prometheusAddress?: string;
  behavior?: { scaleUp?: ScalingDirection; scaleDown?: ScalingDirection };
  capacityGuard?: { maxUtilizationPercent: number; action?: CapacityAction };
  paused?: PauseMode;
}

export interface RuleValue {
  name: string;
  source?: 'resource' | 'prometheus' | 'schedule';
  value?: number;
  target?: number;
  desiredReplicas?: number;
  active?: boolean;
  fallback?: boolean;
  error?: string;
}

export type ClampKind =
  | 'ScheduleFloor'
  | 'ScheduleCeiling'
  | 'Stabilization'
  | 'Rate'
  | 'MinReplicas'
  | 'MaxReplicas'
  | 'Capacity'
  | 'Paused';

export interface Clamp {
  kind: ClampKind;
  from: number;
  to: number;
  message?: string;
}

export interface ScalingDecision {
  id: string;
  time: string;
  from: number;
  to: number;
  reason?: string;
  rules?: RuleValue[];
  proposal?: number;
  winner?: { policy?: string; rule?: string };
  clamps?: Clamp[];
  actuated?: boolean;
}

export interface ScalingPolicyStatus {
  currentReplicas?: number;
  desiredReplicas?: number;
  observedGeneration?: number;
  lastDecision?: ScalingDecision;
  history?: ScalingDecision[];
  conditions?: Condition[];
}

export type ScalingPolicy = TypedObject<ScalingPolicySpec, ScalingPolicyStatus>;
