// The rules of ScalingPolicy a schema cannot state: minReplicas ≤ maxReplicas, exactly one
// source per rule, schedule floor and ceiling and fallbacks within the bounds, a short enough
// window, exclusion dates that exist.

import { parseDuration } from '../../../duration.ts';
import * as field from '../../field.ts';
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
    if (rule.fallbackReplicas !== undefined && rule.fallbackReplicas > spec.maxReplicas) {
      errors.push(
        field.invalid(
          p.child('fallbackReplicas'),
          rule.fallbackReplicas,
          `must be at most maxReplicas (${spec.maxReplicas})`,
        ),
      );
    }
    if (rule.fallbackReplicas !== undefined && rule.schedule) {
      errors.push(
        field.invalid(
          p.child('fallbackReplicas'),
          rule.fallbackReplicas,
          'a schedule rule cannot fail: no fallback',
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
      const ceiling = schedule.maxReplicas;
      if (ceiling !== undefined && (ceiling < schedule.replicas || ceiling > spec.maxReplicas)) {
        errors.push(
          field.invalid(
            p.child('schedule').child('maxReplicas'),
            ceiling,
            `must be between the window's replicas (${schedule.replicas}) and maxReplicas (${spec.maxReplicas})`,
          ),
        );
      }
      for (const [j, date] of (schedule.excludeDates ?? []).entries()) {
        if (!isCalendarDate(date)) {
          errors.push(
            field.invalid(
              p.child('schedule').child('excludeDates').index(j),
              date,
              'must be a date that exists',
            ),
          );
        }
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

/** YYYY-MM-DD naming a real day (no 2026-02-30). */
function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
