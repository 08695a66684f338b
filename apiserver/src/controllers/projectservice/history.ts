// Recording a realised spec as a ControllerRevision and pruning old ones (revisions.ts
// decides which), the I/O behind `kubectl hpc history` and `rollback`. History is a
// convenience: a failure here becomes a Warning Event and never stops a service from being
// realised; the next pass tries again.

import { type KubernetesObject, type KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { SERVICE_LABEL } from '../../../../common/names.ts';
import { apiFailure } from '../errors.ts';
import type { EventInput } from '../events.ts';
import { type ChildClient, isOwnedBy } from './children.ts';
import { FIELD_MANAGER } from './identity.ts';
import { nextRevision, revisionsToPrune, type StoredRevision } from './revisions.ts';

const REVISION = { apiVersion: 'apps/v1', kind: 'ControllerRevision' } as const;

/** Writes the revision for the spec just realised; false (and a Warning in `events`) when it failed. */
export async function recordRevision(
  objects: KubernetesObjectApi,
  children: ChildClient,
  ps: ProjectService,
  events: EventInput[],
): Promise<boolean> {
  const namespace = ps.metadata.namespace ?? '';
  try {
    // A service never reported on has no history yet: its first revision is created without a
    // list. Should one exist after all (a pass that created it ended before its status was
    // written), the create finds it and the usual way below takes over.
    if (isBrandNew(ps)) {
      const { revision } = nextRevision(ps, []);
      try {
        await objects.create(revision);
        return true;
      } catch (error) {
        if (apiFailure(error).code !== 409) throw error;
      }
    }
    const existing = await objects.list<KubernetesObject & StoredRevision>(
      REVISION.apiVersion,
      REVISION.kind,
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      `${SERVICE_LABEL}=${ps.metadata.name}`,
    );
    const mine = existing.items.filter((r) => isOwnedBy(r, ps.metadata.uid ?? ''));
    const { revision, action } = nextRevision(ps, mine);
    if (action === 'create') await objects.create(revision);
    if (action === 'renumber')
      await objects.patch(
        {
          ...REVISION,
          metadata: { name: revision.metadata.name, namespace },
          revision: revision.revision,
        } as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      );
    for (const name of revisionsToPrune(mine, revision.metadata.name))
      await children.delete({ ...REVISION, metadata: { name, namespace } });
    return true;
  } catch (error) {
    events.push({
      type: 'Warning',
      reason: 'RevisionFailed',
      message: `recording the revision failed: ${apiFailure(error).message}`,
    });
    return false;
  }
}

/** First generation, never reconciled: nothing has been recorded for this object. */
function isBrandNew(ps: ProjectService): boolean {
  return ps.metadata.generation === 1 && ps.status?.observedGeneration === undefined;
}
