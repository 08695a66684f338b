// Names the scaling controller writes under: its field manager and event component, the
// annotation carrying the last decision id on a scaled ProjectService, and decision ids.

import { randomBytes } from 'node:crypto';
import { SCALING_GROUP } from '../../../../common/names.ts';

export const SCALING_FIELD_MANAGER = 'kubehpc-scaling-controller';
/** On the ProjectService: the id of the decision that last set its replicas. */
export const DECISION_ANNOTATION = `${SCALING_GROUP}/decision`;

/** A decision id: sortable by time, unique across controller restarts. */
export function newDecisionId(nowMs: number): string {
  return `${nowMs.toString(36)}-${randomBytes(4).toString('hex')}`;
}
