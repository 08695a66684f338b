// Status conditions as every kubehpc controller writes them (metav1.Condition): merged so a
// condition keeps its lastTransitionTime while its status stays the same (apimachinery's
// SetStatusCondition rule), with reasons and messages made to fit the API's limits. Pure.

import type { Condition } from '../../../common/apis/meta/types.ts';
import { metaTime } from '../../../common/time.ts';

/** metav1.Condition's limit on a message. */
const MAX_MESSAGE = 32768;

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * `next` in its own order, each keeping its previous lastTransitionTime while its status is
 * unchanged; conditions of types outside `owned` that someone else set are kept after them.
 * An owned type no longer computed is dropped.
 */
export function mergeConditions(
  previous: readonly Condition[],
  next: readonly ConditionInput[],
  owned: readonly string[],
  now: Date,
): Condition[] {
  const stamp = metaTime(now);
  const merged = next.map((c): Condition => {
    const old = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : stamp };
  });
  const ours = new Set<string>(owned);
  return [...merged, ...previous.filter((p) => !ours.has(p.type))];
}

/** A status string from elsewhere (True, False, anything else) as a condition status. */
export function conditionStatus(s: string): Condition['status'] {
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

/** A condition reason is CamelCase without spaces; foreign reasons are made to fit. */
export function conditionReason(reason: string): string {
  const cleaned = reason.replace(/[^A-Za-z0-9_,:]/g, '').replace(/^[^A-Za-z]+/, '');
  return cleaned === '' ? 'Unknown' : cleaned.slice(0, 1024);
}

/** A message cut to the API's limit, marked where it was cut. */
export function conditionMessage(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 3)}...`;
}
