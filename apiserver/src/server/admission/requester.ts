// The server's half of admission checks made as the requesting user (issue 14): a Requester
// that asks RBAC, through the same SubjectAccessReview authorizer that authorizes requests,
// about the user behind a write; and the Events that record on whose permissions a write's
// references were admitted. The decisions themselves live in each resource's strategy.

import type { TypedObject } from '../../../../common/apis/meta/types.ts';
import type { Requester } from '../../registry/strategy.ts';
import type { UserInfo } from '../auth/authn.ts';
import type { Authorizer } from '../auth/authz.ts';

/** Records a message about a stored object (an Event); best effort, never throws. */
export type AdmissionRecorder = (object: TypedObject<unknown, unknown>, message: string) => Promise<void>;

/** Core Events hold about this much message; longer lists are cut with a count. */
const MAX_MESSAGE = 1000;

/** The Event message of one write's admitted references. Pure. */
export function admissionMessage(username: string, admitted: readonly string[]): string {
  const head = `Admitted with the permissions of user "${username}": `;
  let message = head;
  for (const [i, note] of admitted.entries()) {
    const next = `${i > 0 ? '; ' : ''}${note}`;
    if (message.length + next.length > MAX_MESSAGE) return `${message}; and ${admitted.length - i} more`;
    message += next;
  }
  return message;
}

export function requesterFor(user: UserInfo, authorizer: Authorizer): Requester {
  return {
    username: user.username,
    async allowed(a, namespace) {
      const decision = await authorizer.authorize(user, {
        isResourceRequest: true,
        verb: a.verb,
        path: '',
        group: a.group,
        version: '',
        resource: a.resource,
        namespace,
        ...(a.name ? { name: a.name } : {}),
      });
      return decision.allowed;
    },
  };
}
