// ScalingPolicy: its table columns. It has a status subresource but no scale.

import { SCALING_POLICY } from '../../../../../common/apis/scaling/v1alpha1/register.ts';
import type {
  ScalingPolicySpec,
  ScalingPolicyStatus,
} from '../../../../../common/apis/scaling/v1alpha1/types.ts';
import { age, type Strategy } from '../../strategy.ts';

export const scalingPolicyStrategy: Strategy<ScalingPolicySpec, ScalingPolicyStatus> = {
  definition: SCALING_POLICY,
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the policy.', priority: 0 },
    { name: 'Target', type: 'string', description: 'The ProjectService it scales.', priority: 0 },
    { name: 'Min', type: 'integer', description: 'Lowest replica count.', priority: 0 },
    { name: 'Max', type: 'integer', description: 'Highest replica count.', priority: 0 },
    { name: 'Current', type: 'string', description: 'Current replicas.', priority: 0 },
    { name: 'Desired', type: 'string', description: 'Desired replicas.', priority: 0 },
    { name: 'Last-decision', type: 'string', description: 'Last decision: from→to (reason).', priority: 0 },
    { name: 'Age', type: 'date', description: 'Time since creation.', priority: 0 },
    { name: 'Rules', type: 'string', description: 'Rule names.', priority: 1 },
    { name: 'Combine', type: 'string', description: 'How rules combine.', priority: 1 },
    { name: 'Paused', type: 'string', description: 'Which directions are paused.', priority: 1 },
  ],
  row(o, now) {
    const d = o.status?.lastDecision;
    return [
      o.metadata.name,
      o.spec.targetRef.name,
      o.spec.minReplicas ?? 1,
      o.spec.maxReplicas,
      o.status?.currentReplicas === undefined ? '<unknown>' : String(o.status.currentReplicas),
      o.status?.desiredReplicas === undefined ? '<unknown>' : String(o.status.desiredReplicas),
      d ? `${d.from}→${d.to}${d.reason ? ` (${d.reason})` : ''} ${age(d.time, now)} ago` : '<none>',
      age(o.metadata.creationTimestamp, now),
      o.spec.rules.map((r) => r.name).join(','),
      o.spec.combine ?? 'Max',
      o.spec.paused ?? 'None',
    ];
  },
};
