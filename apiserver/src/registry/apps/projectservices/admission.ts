// No escalation through a ProjectService: every Secret, ConfigMap, claim and placement a write
// adds is checked as the requesting user (SubjectAccessReview, through the Requester the
// server hands in) before anything is stored. A missing permission refuses the whole write
// with 403 naming it; an unchanged reference is not asked about again, so an update by someone
// else does not break on what the author was allowed. The notes returned say which user's
// permissions admitted which reference; the server records them as an Event.

import type { ProjectService } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import { errors } from '../../../../../common/apis/meta/errors.ts';
import type { Requester } from '../../strategy.ts';
import { addedReferences, describeReference } from './references.ts';

export async function admitReferences(
  requester: Requester | undefined,
  next: ProjectService,
  previous: ProjectService | undefined,
): Promise<string[]> {
  const added = addedReferences(next, previous);
  if (added.length === 0) return [];
  const namespace = next.metadata.namespace ?? '';
  if (!requester)
    throw errors.forbidden(
      '',
      'create',
      { group: '', resource: 'secrets' },
      namespace,
      'no requesting user to check references as',
    );
  const answers = await Promise.all(added.map((r) => requester.allowed(r, namespace)));
  const denied = added.findIndex((_, i) => !answers[i]);
  const refused = added[denied];
  if (refused) {
    throw errors.forbidden(
      requester.username,
      refused.verb,
      { group: refused.group, resource: refused.resource, ...(refused.name ? { name: refused.name } : {}) },
      namespace,
      `${refused.field} references it, and a ProjectService may only use what its author may ${refused.verb}`,
    );
  }
  return added.map((r) => `${describeReference(r)} (${r.field})`);
}
