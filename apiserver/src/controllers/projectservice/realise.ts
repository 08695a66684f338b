// The controller's act step on the children: bring them to the plans — server-side apply (on
// a new generation or a drift, unless this very render was applied already: applied.ts),
// delete an owned child render no longer wants, delete and recreate on Replace. A name taken
// by someone else (NotOwned) stops every write and is reported as NameConflict, so a service
// is never half-built around a foreign object.

import type { KubernetesObject } from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { apiFailure, isNamespaceTerminating, isPermanent } from '../errors.ts';
import type { EventInput } from '../events.ts';
import { type AppliedMemory, appliedText, needsApply } from './applied.ts';
import { changeEvent, deletedEvent } from './child-events.ts';
import { type ChildClient, type ChildField, isOwnedBy } from './children.ts';
import { driftEvent } from './drift.ts';
import type { ExposureProblem } from './exposure.ts';
import type { Plan } from './observe.ts';
import type { ApplyError } from './status.ts';

/** What realising the plans left: the live children, a refusal, and the Events to record. */
export interface Realised {
  live: Partial<Record<ChildField, KubernetesObject>>;
  applyError: ApplyError | undefined;
  events: EventInput[];
  /** Exposures the cluster refused (a taken host, no Gateway API). */
  exposureProblems: ExposureProblem[];
}

export interface RealiseContext {
  children: ChildClient;
  applied: AppliedMemory;
  /** True once leadership is lost: write nothing more. */
  stopped(): boolean;
}

export async function realise(
  ps: ProjectService,
  plans: readonly Plan[],
  newGeneration: boolean,
  exposureProblems: ExposureProblem[],
  context: RealiseContext,
): Promise<Realised | 'abandoned'> {
  const { children, applied } = context;
  const uid = ps.metadata.uid ?? '';
  const service = `${ps.metadata.namespace ?? ''}/${ps.metadata.name ?? ''}`;
  const result: Realised = { live: {}, applyError: undefined, events: [], exposureProblems };
  // Worth a new Warning: a new spec, or a service not yet reported Failed.
  const worthWarning = newGeneration || ps.status?.phase !== 'Failed';
  const conflict = plans.find((p) => p.found?.state === 'NotOwned');
  if (conflict?.found) {
    const { kind } = conflict.child;
    const name = conflict.header.metadata.name;
    const message = driftEvent(kind, name, conflict.found)?.message ?? `${kind} ${name} is not ours`;
    result.applyError = { reason: 'NameConflict', message };
    if (worthWarning) result.events.push({ type: 'Warning', reason: 'NameConflict', message });
    for (const { child, current } of plans) {
      if (current && isOwnedBy(current, uid)) result.live[child.field] = current;
    }
    return result;
  }
  for (const { child, header, want, current, found } of plans) {
    if (context.stopped()) return 'abandoned';
    const name = header.metadata.name;
    if (!want || !found) {
      applied.forget(service, child.field);
      if (current && isOwnedBy(current, uid)) {
        await children.delete(header);
        result.events.push(deletedEvent(child.kind, name));
      }
      continue;
    }
    const text = appliedText(want);
    if (current && !needsApply(found, newGeneration, applied.get(service, child.field), text)) {
      result.live[child.field] = current;
      continue;
    }
    if (found.state === 'Replace' && current) await children.delete(header);
    try {
      result.live[child.field] = await children.apply(child, header, text);
      applied.remember(service, child.field, text);
    } catch (error) {
      applied.forget(service, child.field);
      const failure = apiFailure(error);
      // The namespace controller is deleting the service and its children: leave it be.
      if (isNamespaceTerminating(failure)) return 'abandoned';
      if (!isPermanent(failure)) throw error;
      result.applyError = { reason: failure.reason, message: `${child.kind} ${name}: ${failure.message}` };
      if (worthWarning)
        result.events.push({ type: 'Warning', reason: 'ApplyFailed', message: result.applyError.message });
      continue;
    }
    const event = changeEvent(child.kind, name, found, newGeneration);
    if (event) result.events.push(event);
  }
  return result;
}
