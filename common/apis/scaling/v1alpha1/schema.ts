// OpenAPI v3 schema of ScalingPolicy (scaling.kubehpc.dev/v1alpha1): the single source of
// truth for its fields, defaults, structural validation, `kubectl explain` and OpenAPI.
// Rules across fields (min ≤ max, exactly one rule source) are in validation.ts.

import { CONDITIONS_SCHEMA, objectSchema } from '../../meta/schema.ts';
import type { Schema } from '../../schema.ts';

const REPLICAS: Schema = { type: 'integer', format: 'int32', minimum: 0, maximum: 10000 };

const RESOURCE_RULE: Schema = {
  type: 'object',
  description: 'Scale on CPU or memory utilisation (metrics.k8s.io), as a percentage of the requests.',
  required: ['name', 'targetUtilization'],
  properties: {
    name: { type: 'string', enum: ['cpu', 'memory'] },
    targetUtilization: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 1000,
      description: 'Percent.',
    },
  },
};

const PROMETHEUS_RULE: Schema = {
  type: 'object',
  description: 'Scale on a Prometheus query whose value is divided across replicas (e.g. QPS).',
  required: ['query', 'targetPerReplica'],
  properties: {
    query: {
      type: 'string',
      format: 'promql',
      minLength: 1,
      maxLength: 4096,
      description: 'PromQL returning one scalar or one series.',
    },
    targetPerReplica: {
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      description: 'Value one replica should carry: desired = ceil(value / targetPerReplica).',
    },
    emptyAs: {
      type: 'number',
      minimum: 0,
      description:
        'Value to use when the query returns no sample (e.g. 0 for a rate with no traffic yet). Unset: an empty result is an error.',
    },
  },
};

const SCHEDULE_RULE: Schema = {
  type: 'object',
  description: 'Hold at least `replicas` during a cron window (e.g. the morning peak).',
  required: ['cron', 'duration', 'replicas'],
  properties: {
    cron: {
      type: 'string',
      format: 'cron',
      minLength: 1,
      description: 'Five-field cron expression of window starts.',
    },
    timeZone: {
      type: 'string',
      format: 'time-zone',
      default: 'UTC',
      description: 'IANA time zone of the cron.',
    },
    duration: {
      type: 'string',
      format: 'duration',
      minLength: 1,
      description: 'How long each window lasts, e.g. 2h.',
    },
    replicas: { ...REPLICAS, description: 'Floor during the window: metric rules still scale above it.' },
    maxReplicas: {
      ...REPLICAS,
      minimum: 1,
      description: 'Optional ceiling during the window (below the policy maxReplicas).',
    },
    excludeDates: {
      type: 'array',
      maxItems: 366,
      'x-kubernetes-list-type': 'set',
      description:
        'Dates (YYYY-MM-DD, in timeZone) without windows, e.g. holidays: no window is active on such a date and none that starts on one is used.',
      items: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
    },
  },
};

const RULE: Schema = {
  type: 'object',
  description: 'One scaling signal: exactly one of resource, prometheus or schedule.',
  required: ['name'],
  properties: {
    name: { type: 'string', format: 'dns1123-label' },
    resource: RESOURCE_RULE,
    prometheus: PROMETHEUS_RULE,
    schedule: SCHEDULE_RULE,
    weight: {
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 100,
      default: 1,
      description: 'Used by combine: Weighted.',
    },
    priority: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 1000,
      default: 0,
      description: 'Used by combine: Priority (higher wins).',
    },
    fallbackReplicas: {
      ...REPLICAS,
      minimum: 1,
      description:
        'Replicas this rule proposes while its source fails (the other rules still decide). Unset: a failed rule proposes nothing; if every rule fails the count is held.',
    },
  },
};

const SCALING_RULES: Schema = {
  type: 'object',
  properties: {
    stabilizationWindowSeconds: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600 },
    selectPolicy: { type: 'string', enum: ['Max', 'Min', 'Disabled'], default: 'Max' },
    tolerance: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Overrides spec.tolerance in this direction.',
    },
    policies: {
      type: 'array',
      maxItems: 8,
      'x-kubernetes-list-type': 'atomic',
      items: {
        type: 'object',
        required: ['type', 'value', 'periodSeconds'],
        properties: {
          type: { type: 'string', enum: ['Pods', 'Percent'] },
          value: { type: 'integer', format: 'int32', minimum: 1 },
          periodSeconds: { type: 'integer', format: 'int32', minimum: 1, maximum: 1800 },
        },
      },
    },
  },
};

export const SCALING_POLICY_SPEC_SCHEMA: Schema = {
  type: 'object',
  required: ['targetRef', 'maxReplicas', 'rules'],
  properties: {
    targetRef: {
      type: 'object',
      description: 'The ProjectService, in the same namespace, whose replicas this policy sets.',
      required: ['name'],
      properties: { name: { type: 'string', format: 'dns1035-label' } },
    },
    minReplicas: { ...REPLICAS, default: 1, description: 'Never scale below.' },
    maxReplicas: { ...REPLICAS, minimum: 1, description: 'Never scale above.' },
    rules: {
      type: 'array',
      items: RULE,
      minItems: 1,
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    combine: {
      type: 'string',
      enum: ['Max', 'Weighted', 'Priority'],
      default: 'Max',
      description:
        'How the metric rules agree: Max (scale up more, down less), Weighted (weighted mean, rounded up), Priority (highest-priority rule with a value). Schedule rules act as floor and ceiling after combining.',
    },
    precedence: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 1000,
      default: 0,
      description:
        'Several policies on one service: among the Auto policies with the highest precedence, the largest proposal sets the count.',
    },
    mode: {
      type: 'string',
      enum: ['Auto', 'Recommend'],
      default: 'Auto',
      description: 'Auto actuates; Recommend decides and records, never scales.',
    },
    tolerance: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.1,
      description: 'No change while |1 - value/target| is within this ratio (both directions).',
    },
    cpuInitializationPeriodSeconds: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 3600,
      default: 300,
      description:
        'A CPU sample of a pod started this recently counts only once the pod is ready and sampled since.',
    },
    initialReadinessDelaySeconds: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 3600,
      default: 30,
      description: 'A pod not ready this long after its start is treated as still starting.',
    },
    prometheusAddress: {
      type: 'string',
      pattern: '^https?://[^\\s]+$',
      maxLength: 1024,
      description: "Prometheus HTTP API of this policy's queries; unset: the controller's --prometheus-url.",
    },
    behavior: {
      type: 'object',
      description: 'Rate limits and stabilisation, as in autoscaling/v2.',
      properties: {
        scaleUp: {
          ...SCALING_RULES,
          properties: {
            ...SCALING_RULES.properties,
            stabilizationWindowSeconds: {
              type: 'integer',
              format: 'int32',
              minimum: 0,
              maximum: 3600,
              default: 0,
            },
          },
        },
        scaleDown: {
          ...SCALING_RULES,
          properties: {
            ...SCALING_RULES.properties,
            stabilizationWindowSeconds: {
              type: 'integer',
              format: 'int32',
              minimum: 0,
              maximum: 3600,
              default: 300,
            },
          },
        },
      },
    },
    capacityGuard: {
      type: 'object',
      description:
        'Before a scale-up, check the new replicas fit under maxUtilizationPercent of the allocatable resources of the nodes the service can run on.',
      required: ['maxUtilizationPercent'],
      properties: {
        maxUtilizationPercent: { type: 'integer', format: 'int32', minimum: 1, maximum: 100 },
        action: {
          type: 'string',
          enum: ['Cap', 'Refuse', 'Warn'],
          default: 'Refuse',
          description:
            'Cap: scale up as far as fits; Refuse: no scale-up unless all fit; Warn: scale anyway.',
        },
      },
    },
    paused: {
      type: 'string',
      enum: ['None', 'All', 'ScaleIn', 'ScaleOut'],
      default: 'None',
      description: 'Suspend all scaling, or only one direction.',
    },
  },
};

const RULE_VALUE: Schema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    source: { type: 'string', enum: ['resource', 'prometheus', 'schedule'] },
    value: { type: 'number', description: 'The metric value observed (utilisation percent, query value).' },
    target: { type: 'number', description: 'The target it was compared with.' },
    desiredReplicas: { type: 'integer', format: 'int32', description: "The rule's proposal." },
    active: { type: 'boolean', description: 'Schedule rules: whether a window covers the decision time.' },
    fallback: {
      type: 'boolean',
      description: "The proposal is the rule's fallbackReplicas: its source failed.",
    },
    error: { type: 'string', description: 'Why the rule gave no value this period.' },
  },
};

const CLAMP: Schema = {
  type: 'object',
  required: ['kind', 'from', 'to'],
  description: 'One step that changed the proposal after the rules were combined.',
  properties: {
    kind: {
      type: 'string',
      enum: [
        'ScheduleFloor',
        'ScheduleCeiling',
        'Stabilization',
        'Rate',
        'MinReplicas',
        'MaxReplicas',
        'Capacity',
        'Paused',
      ],
    },
    from: { type: 'integer', format: 'int32' },
    to: { type: 'integer', format: 'int32' },
    message: { type: 'string' },
  },
};

const DECISION: Schema = {
  type: 'object',
  required: ['id', 'time', 'from', 'to'],
  properties: {
    id: { type: 'string', description: 'Decision id, traced through events and the scaled object.' },
    time: { type: 'string', format: 'date-time' },
    from: { type: 'integer', format: 'int32' },
    to: { type: 'integer', format: 'int32' },
    reason: { type: 'string', description: 'Why, in one sentence.' },
    rules: { type: 'array', items: RULE_VALUE },
    proposal: { type: 'integer', format: 'int32', description: 'The rules combined, before any clamp.' },
    winner: {
      type: 'object',
      description: 'Which policy and rule set the count (several policies may target one service).',
      properties: { policy: { type: 'string' }, rule: { type: 'string' } },
    },
    clamps: { type: 'array', items: CLAMP },
    actuated: {
      type: 'boolean',
      description: 'Whether the count was written (false in Recommend mode or when held).',
    },
  },
};

export const SCALING_POLICY_STATUS_SCHEMA: Schema = {
  type: 'object',
  properties: {
    currentReplicas: { type: 'integer', format: 'int32', minimum: 0 },
    desiredReplicas: { type: 'integer', format: 'int32', minimum: 0 },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    lastDecision: DECISION,
    history: {
      type: 'array',
      items: DECISION,
      maxItems: 20,
      description: 'Most recent decisions, newest first.',
    },
    conditions: CONDITIONS_SCHEMA,
  },
};

export const SCALING_POLICY_SCHEMA: Schema = objectSchema({
  description: 'How a ProjectService scales: bounds, rules, how they combine, rate limits and guards.',
  spec: SCALING_POLICY_SPEC_SCHEMA,
  status: SCALING_POLICY_STATUS_SCHEMA,
});
