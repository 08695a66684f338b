// Kubernetes' metadata rules for create, update and delete, as kube's rest.BeforeCreate,
// BeforeUpdate and the graceful-deletion path: who sets uid, generation, creationTimestamp
// and deletionTimestamp, what a write may not change, when a finalizer may be added, which
// preconditions a delete checks. Pure: the clock is passed in; no storage, no HTTP.

import { randomBytes, randomUUID } from 'node:crypto';
import type { KindDefinition } from '../../../common/apis/kind.ts';
import { errors, type Target } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import { metaTime } from '../../../common/time.ts';
import type { DeleteOptions, PropagationPolicy } from './types.ts';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

type AnyObject = TypedObject<unknown, unknown>;

function specOf(object: { spec?: unknown }): string {
  return JSON.stringify(object.spec ?? null);
}

/**
 * A new object's metadata: the request's namespace, a name from generateName, a fresh uid,
 * generation 1, creationTimestamp now; no resourceVersion, deletion marks or status (status
 * is the controller's to write, through the status subresource).
 */
export function beforeCreate<T extends AnyObject>(object: T, namespace: string, now: Date): T {
  const meta = object.metadata;
  if (meta.namespace && meta.namespace !== namespace) {
    throw errors.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  if (!meta.name && meta.generateName)
    meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
  object.metadata = {
    ...meta,
    namespace,
    uid: randomUUID(),
    generation: 1,
    creationTimestamp: metaTime(now),
  };
  delete object.metadata.resourceVersion;
  delete object.metadata.deletionTimestamp;
  delete object.metadata.deletionGracePeriodSeconds;
  delete object.status;
  return object;
}

/**
 * The rules every write of an existing object follows, applied to `next` in place: a
 * resourceVersion it names must be the current one (409), name and namespace cannot change
 * (400). A main-resource write keeps status, uid and creationTimestamp as stored, bumps the
 * generation when the spec changed, keeps deletion marks and refuses new finalizers once
 * deletion began; a status write keeps everything but status.
 */
export function beforeUpdate<T extends AnyObject>(
  definition: Pick<KindDefinition<unknown, unknown>, 'group' | 'kind' | 'plural'>,
  current: T,
  next: T,
  at: { namespace: string; name: string; subresource: '' | 'status' | 'scale' },
): void {
  const { namespace, name, subresource } = at;
  const target = { group: definition.group, resource: definition.plural, name };
  const requested = next.metadata.resourceVersion;
  if (requested && requested !== current.metadata.resourceVersion) {
    throw errors.conflict(
      target,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
  if (next.metadata.name !== undefined && next.metadata.name !== name) {
    throw errors.badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (next.metadata.namespace !== undefined && next.metadata.namespace !== namespace) {
    throw errors.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  const meta = current.metadata;
  if (subresource !== 'status') {
    // A main-resource write: status stays the controller's; metadata follows the request.
    if (current.status === undefined) delete next.status;
    else next.status = current.status;
    next.metadata = {
      ...next.metadata,
      name,
      namespace,
      uid: meta.uid as string,
      creationTimestamp: meta.creationTimestamp as string,
      generation: (meta.generation ?? 1) + (specOf(next) === specOf(current) ? 0 : 1),
    };
    if (meta.deletionTimestamp) {
      next.metadata.deletionTimestamp = meta.deletionTimestamp;
      next.metadata.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds ?? 0;
      const added = (next.metadata.finalizers ?? []).filter((f) => !(meta.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw errors.invalid(definition, name, [
          {
            type: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          },
        ]);
      }
    } else {
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
    }
  } else {
    // A status write: everything but status stays as stored.
    next.spec = current.spec;
    next.metadata = meta;
  }
  delete next.metadata.resourceVersion;
}

/** A delete's preconditions (uid, resourceVersion) against the current object: 409 when unmet. */
export function checkPreconditions(
  target: Target,
  preconditions: DeleteOptions['preconditions'],
  current: AnyObject,
): void {
  const p = preconditions;
  if (p?.uid && p.uid !== current.metadata.uid) {
    throw errors.conflict(
      target,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (p?.resourceVersion && p.resourceVersion !== current.metadata.resourceVersion) {
    throw errors.conflict(
      target,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`,
    );
  }
}

/** The finalizer a propagation policy asks the garbage collector to act on, if any. */
export function policyFinalizer(policy: PropagationPolicy | undefined): string | undefined {
  if (policy === 'Orphan') return FINALIZER_ORPHAN;
  if (policy === 'Foreground') return FINALIZER_FOREGROUND;
  return undefined;
}

/**
 * An object finalizers hold back from deletion: marked with a deletionTimestamp (kept when
 * already set) and a zero grace period, the policy's finalizer replacing the other one.
 */
export function markDeleting<T extends AnyObject>(latest: T, finalizer: string | undefined, now: Date): T {
  const next = structuredClone(latest);
  next.metadata.deletionTimestamp ??= metaTime(now);
  next.metadata.deletionGracePeriodSeconds = 0;
  const list = next.metadata.finalizers ?? [];
  if (finalizer && !list.includes(finalizer)) {
    next.metadata.finalizers = [
      ...list.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND),
      finalizer,
    ];
  }
  delete next.metadata.resourceVersion;
  return next;
}
