// What the registry needs from storage, as an interface: objects of one resource keyed by
// namespace and name, resourceVersion = the revision that last wrote the object, writes as
// compare-and-swap, lists paged over one snapshot, watches resumable from a revision. Two
// implementations: etcd (store.ts), the one the server runs on, and an in-memory one
// (memory.ts) with the same semantics for unit tests. Failures are StatusErrors from the
// catalogue: 404 NotFound, 409 AlreadyExists/Conflict, 410 Expired, 503 when storage is down.

import type { StatusError } from '../../../common/apis/meta/errors.ts';
import type { ObjectMeta } from '../../../common/apis/meta/types.ts';

export interface StoredObject {
  metadata: ObjectMeta;
}

export interface ListOptions {
  limit?: number;
  continue?: string;
  /** Read at exactly this revision (resourceVersionMatch=Exact); 0 or absent: the latest. */
  revision?: number;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface StoreWatchEvent<T> {
  type: WatchEventType;
  object: T;
  /** For MODIFIED: the object before the change (so selectors can see it leave or enter). */
  previous?: T;
}

export interface StoreWatch {
  stop(): void;
}

/** Storage of one resource (a group and plural). */
export interface ObjectStore<T extends StoredObject> {
  get(namespace: string, name: string): Promise<T>;
  /** Writes a new object; 409 AlreadyExists when the key is taken. */
  create(namespace: string, name: string, object: T): Promise<T>;
  /**
   * Reads, transforms and writes back an object only if nobody wrote it in between; on a
   * lost race it re-reads and tries again (the transform decides whether a changed
   * resourceVersion is a 409 Conflict). Returns the object as stored, or the current one
   * when the transform changed nothing.
   */
  update(namespace: string, name: string, transform: (current: T) => T | Promise<T>): Promise<T>;
  /**
   * Deletes an object when `check` accepts its current state (preconditions); removes it
   * only if unchanged since that check. Returns the object as it was, with the deleting
   * revision as its resourceVersion.
   */
  delete(namespace: string, name: string, check?: (current: T) => void): Promise<T>;
  /** One page of a namespace's (or every namespace's) objects, in key order, from one snapshot. */
  list(namespace: string | undefined, options?: ListOptions): Promise<ListResult<T>>;
  /**
   * Every change after `revision` under a namespace (or all), in revision order; BOOKMARK
   * events carry only a resourceVersion, every `progressIntervalMs` when given. `onEnd` gets
   * a 410 Expired when the revision was compacted, or a 503 when storage went away.
   */
  watch(
    namespace: string | undefined,
    revision: number,
    onEvent: (event: StoreWatchEvent<T>) => void,
    onEnd: (error: StatusError) => void,
    progressIntervalMs?: number,
  ): StoreWatch;
}
