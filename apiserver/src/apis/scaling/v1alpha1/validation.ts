// The rules of ScalingPolicy a schema cannot state: minReplicas ≤ maxReplicas, exactly one
// source per rule, schedule replicas within the bounds, a short enough window.

import * as field from '../../field.ts';
import { parseDuration } from '../../formats.ts';
import type { ScalingPolicySpec } from './types.ts';

const MAX_WINDOW_SECONDS = 7 * 24 * 3600;

export function validateScalingPolicySpec(
  spec: ScalingPolicySpec,
  path = new field.FieldPath('spec'),
): field.FieldError[] {
  const errors: field.FieldError[] = [];
  const min = spec.minReplicas ?? 1;
  if (min > spec.maxReplicas) {
    errors.push(
      field.invalid(
        path.child('minReplicas'),
        min,
        `must be less than or equal to maxReplicas (${spec.maxReplicas})`,
      ),
    );
  }
  for (const [i, rule] of spec.rules.entries()) {
    const p = path.child('rules').index(i);
    const sources = (['resource', 'prometheus', 'schedule'] as const).filter((s) => rule[s] !== undefined);
    if (sources.length !== 1) {
      errors.push(
        field.invalid(
          p,
          sources.length === 0 ? rule.name : sources.join(', '),
          'must specify exactly one of resource, prometheus or schedule',
        ),
      );
    }
    const schedule = rule.schedule;
    if (schedule) {
      if (schedule.replicas > spec.maxReplicas || schedule.replicas < min) {
        errors.push(
          field.invalid(
            p.child('schedule').child('replicas'),
            schedule.replicas,
            `must be between minReplicas (${min}) and maxReplicas (${spec.maxReplicas})`,
          ),
        );
      }
      const seconds = parseDuration(schedule.duration);
      if (seconds !== undefined && seconds > MAX_WINDOW_SECONDS) {
        errors.push(
          field.invalid(p.child('schedule').child('duration'), schedule.duration, 'must be at most 168h'),
        );
      }
    }
  }
  return errors;
}
