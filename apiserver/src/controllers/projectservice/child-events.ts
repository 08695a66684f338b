// What happened to a child, said as a core/v1 Event: Normal for a spec change or a requested
// restart, Warning for a repaired drift. Pure.

import { RESTARTED_AT_ANNOTATION } from '../../../../common/names.ts';
import type { EventInput } from '../events.ts';
import { type Drift, driftEvent } from './drift.ts';

/** The Event for a child just applied, or none when nothing worth saying changed. */
export function changeEvent(
  kind: string,
  name: string,
  found: Drift,
  newGeneration: boolean,
): EventInput | undefined {
  if (!newGeneration && isRestart(found))
    return { type: 'Normal', reason: 'Restarting', message: `rolling restart of ${kind} ${name} requested` };
  if (!newGeneration) return driftEvent(kind, name, found);
  if (found.state === 'Missing')
    return { type: 'Normal', reason: 'Created', message: `created ${kind} ${name}` };
  if (found.state === 'InSync') return undefined;
  return { type: 'Normal', reason: 'Updated', message: `updated ${kind} ${name} to the new spec` };
}

/** The Event for a child deleted because render no longer wants it. */
export function deletedEvent(kind: string, name: string): EventInput {
  return { type: 'Normal', reason: 'Deleted', message: `${kind} ${name} is no longer needed; deleted it` };
}

/** The only change is the restart annotation `kubectl hpc restart` set: a restart, not a repair. */
function isRestart(found: Drift): boolean {
  const onlyTheAnnotation = (d: { path: string; desired: unknown }) =>
    d.path.endsWith(`annotations.${RESTARTED_AT_ANNOTATION}`) ||
    // The pod template had no annotations at all yet: the whole map is the difference.
    (d.path.endsWith('template.metadata.annotations') &&
      typeof d.desired === 'object' &&
      d.desired !== null &&
      Object.keys(d.desired).join() === RESTARTED_AT_ANNOTATION);
  return found.state === 'Changed' && found.differences.every(onlyTheAnnotation);
}
