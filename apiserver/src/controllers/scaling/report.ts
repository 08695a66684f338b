// The scaling controller's last step, per policy: its next status (status.ts computes it),
// a Warning Event for each condition that turned bad, a Normal one for an actuated decision,
// and the status written when it changed (deleted or changed meanwhile: the next period
// writes it again).

import type { CustomObjectsApi } from '@kubernetes/client-node';
import { API_VERSION, SCALING_GROUP } from '../../../../common/names.ts';
import type { EventRecorder, Involved } from '../events.ts';
import { type StatusKind, writeStatus } from '../status-writer.ts';
import type { Policy } from './observe.ts';
import type { ServiceDecision } from './service.ts';
import { type Blocker, nextStatus, policyConditions } from './status.ts';

const SCALING_POLICY: StatusKind = { group: SCALING_GROUP, plural: 'scalingpolicies', kind: 'ScalingPolicy' };

export interface ReportContext {
  custom: CustomObjectsApi;
  events: EventRecorder;
  /** True once leadership is lost: write nothing. */
  stopped(): boolean;
}

export async function reportPolicy(
  context: ReportContext,
  p: Policy,
  decision: ServiceDecision | undefined,
  outcomeName: string | undefined,
  blocker: Blocker | undefined,
  current: number,
  nowMs: number,
): Promise<void> {
  if (context.stopped()) return;
  const name = p.metadata?.name ?? '';
  const namespace = p.metadata?.namespace ?? '';
  const outcome = decision?.outcomes.find((o) => o.name === outcomeName);
  const record = decision?.records.get(name);
  const status = nextStatus(p.status, {
    generation: p.metadata?.generation,
    current,
    desired: record?.to ?? current,
    record: record && blocker ? { ...record, actuated: false } : record,
    conditions: policyConditions(outcome, blocker),
    nowIso: new Date(nowMs).toISOString(),
  });
  const before = p.status ?? {};
  const changedDecision = status.lastDecision?.id !== before.lastDecision?.id;
  const involved: Involved = {
    apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
    kind: SCALING_POLICY.kind,
    name,
    namespace,
    uid: p.metadata?.uid,
  };
  for (const c of status.conditions ?? []) {
    const was = before.conditions?.find((b) => b.type === c.type);
    const bad =
      (c.type === 'CapacityLimited' && c.status === 'True') ||
      (c.type !== 'CapacityLimited' && c.status === 'False');
    if (bad && (was?.status !== c.status || was.reason !== c.reason)) {
      await context.events.record(involved, { type: 'Warning', reason: c.reason, message: c.message });
    }
  }
  if (changedDecision && record?.actuated && !blocker) {
    await context.events.record(involved, {
      type: 'Normal',
      reason: 'Decided',
      message: `decision ${record.id}: ${record.reason}`,
    });
  }
  await writeStatus(context.custom, SCALING_POLICY, p, status, [404, 409]);
}
