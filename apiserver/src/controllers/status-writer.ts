// Writing a kubehpc object's status subresource, as both controllers do: only when the
// computed status differs from the stored one (compared as canonical JSON, so key order
// never causes a write), sent as a full replace of the object the cache saw, so a newer
// object gets a 409 and the next reconcile computes status again on it.

import type { CustomObjectsApi } from '@kubernetes/client-node';
import { API_VERSION } from '../../../common/names.ts';
import { canonicalJson } from '../../../common/object.ts';
import { apiFailure } from './errors.ts';

/** A kind of ours with a status subresource. */
export interface StatusKind {
  group: string;
  plural: string;
  kind: string;
}

/**
 * Replaces the object's status with `status` unless they are equal. An HTTP code in
 * `tolerated` (404: deleted meanwhile; 409: changed meanwhile) ends the write quietly;
 * anything else is thrown to be retried.
 */
export async function writeStatus(
  custom: CustomObjectsApi,
  target: StatusKind,
  object: { metadata?: { name?: string | undefined; namespace?: string | undefined }; status?: unknown },
  status: unknown,
  tolerated: readonly number[],
): Promise<void> {
  if (canonicalJson(status) === canonicalJson(object.status ?? {})) return;
  await custom
    .replaceNamespacedCustomObjectStatus({
      group: target.group,
      version: API_VERSION,
      namespace: object.metadata?.namespace ?? '',
      plural: target.plural,
      name: object.metadata?.name ?? '',
      body: { ...object, apiVersion: `${target.group}/${API_VERSION}`, kind: target.kind, status },
    })
    .catch((error: unknown) => {
      if (!tolerated.includes(apiFailure(error).code)) throw error;
    });
}
