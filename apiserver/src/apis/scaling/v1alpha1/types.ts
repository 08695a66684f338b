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
}

export interface ScheduleRule {
  cron: string;
  timeZone?: string;
  duration: string;
  replicas: number;
}

export interface ScalingRule {
  name: string;
  resource?: ResourceRule;
  prometheus?: PrometheusRule;
  schedule?: ScheduleRule;
  weight?: number;
  priority?: number;
}

export interface ScalingPolicyRate {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingDirection {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicyRate[];
}

export interface ScalingPolicySpec {
  targetRef: { name: string };
  minReplicas?: number;
  maxReplicas: number;
  rules: ScalingRule[];
  combine?: 'Max' | 'Weighted' | 'Priority';
  behavior?: { scaleUp?: ScalingDirection; scaleDown?: ScalingDirection };
  capacityGuard?: { maxUtilizationPercent: number; action?: 'Refuse' | 'Warn' };
  paused?: 'None' | 'All' | 'ScaleIn' | 'ScaleOut';
}

export interface RuleValue {
  name: string;
  value?: number;
  desiredReplicas?: number;
  error?: string;
}

export interface ScalingDecision {
  id: string;
  time: string;
  from: number;
  to: number;
  reason?: string;
  rules?: RuleValue[];
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
