// A policy's status after a decision, and its conditions. The condition types are the
// specification of what a policy reports:
//   ScalingActive  False (AllSourcesFailed) while every metric rule fails and the count is held.
//   SourcesHealthy False (SourceFailed) while any rule's source fails; the message names them.
//   CapacityLimited True (Capped | Refused | Warned | Unknown) while the capacity guard limits
//                  or could not check a scale-up.
//   AbleToScale    False (TargetNotFound | ConflictingAutoscaler | ScaleFailed) when the count
//                  cannot be set, or should not be, since another autoscaler targets the service.
// The history is bounded and newest first; a decision equal to the last one but for its id
// and time does not add an entry (a steady state writes nothing). Pure: the time is an argument.

import type { Condition } from '../../../../common/apis/meta/types.ts';
import type { ScalingDecision, ScalingPolicyStatus } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import { mergeConditions } from '../conditions.ts';
import type { PolicyOutcome } from './policy.ts';

export const HISTORY_LIMIT = 20;

export type Blocker = { reason: 'TargetNotFound' | 'ConflictingAutoscaler' | 'ScaleFailed'; message: string };

type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/** The condition types this controller owns on a policy. */
const OWNED = ['ScalingActive', 'SourcesHealthy', 'CapacityLimited', 'AbleToScale'];

export function policyConditions(
  outcome: PolicyOutcome | undefined,
  blocker: Blocker | undefined,
): ConditionInput[] {
  const out: ConditionInput[] = [];
  if (outcome) {
    out.push(
      outcome.held
        ? {
            type: 'ScalingActive',
            status: 'False',
            reason: 'AllSourcesFailed',
            message: 'every metric rule failed: the count is held',
          }
        : { type: 'ScalingActive', status: 'True', reason: 'Deciding', message: 'the rules give a count' },
    );
    out.push(
      outcome.failures.length > 0
        ? {
            type: 'SourcesHealthy',
            status: 'False',
            reason: 'SourceFailed',
            message: outcome.failures.map((f) => `${f.rule}: ${f.error}`).join('; '),
          }
        : {
            type: 'SourcesHealthy',
            status: 'True',
            reason: 'AllSourcesHealthy',
            message: 'every source answered',
          },
    );
    const capacity = outcome.capacity;
    out.push(
      capacity
        ? {
            type: 'CapacityLimited',
            status: 'True',
            reason: capacityReason(capacity.message),
            message: capacity.message,
          }
        : {
            type: 'CapacityLimited',
            status: 'False',
            reason: 'Fits',
            message: 'no scale-up was limited by capacity',
          },
    );
  }
  out.push(
    blocker
      ? { type: 'AbleToScale', status: 'False', reason: blocker.reason, message: blocker.message }
      : { type: 'AbleToScale', status: 'True', reason: 'Ready', message: 'the target can be scaled' },
  );
  return out;
}

function capacityReason(message: string): string {
  if (message.startsWith('capped')) return 'Capped';
  if (message.startsWith('refused')) return 'Refused';
  if (message.startsWith('warning')) return 'Warned';
  return 'Unknown';
}

/** The decision without its id and time: what makes two decisions "the same". */
function essence(d: ScalingDecision | undefined): string {
  if (!d) return '';
  const { id: _id, time: _time, ...rest } = d;
  return JSON.stringify(rest);
}

export function nextStatus(
  previous: ScalingPolicyStatus | undefined,
  input: {
    generation: number | undefined;
    current: number;
    desired: number;
    record: ScalingDecision | undefined;
    conditions: readonly ConditionInput[];
    nowIso: string;
  },
): ScalingPolicyStatus {
  const same = input.record === undefined || essence(input.record) === essence(previous?.lastDecision);
  const lastDecision = same ? previous?.lastDecision : input.record;
  const history = same
    ? (previous?.history ?? [])
    : [input.record as ScalingDecision, ...(previous?.history ?? [])].slice(0, HISTORY_LIMIT);
  return {
    currentReplicas: input.current,
    desiredReplicas: input.desired,
    ...(input.generation === undefined ? {} : { observedGeneration: input.generation }),
    ...(lastDecision ? { lastDecision } : {}),
    ...(history.length > 0 ? { history } : {}),
    conditions: mergeConditions(
      previous?.conditions ?? [],
      input.conditions.map((c) =>
        input.generation === undefined ? c : { ...c, observedGeneration: input.generation },
      ),
      OWNED,
      new Date(input.nowIso),
    ),
  };
}
