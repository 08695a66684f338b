// The registry's vocabulary: the options of its verbs and the shapes of their results, as
// the server decodes them from a request. No behaviour here.

import type { FieldValidation } from '../../../common/apis/decode.ts';
import type { StatusError } from '../../../common/apis/meta/errors.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Who makes the change, for managedFields (?fieldManager=, or from the User-Agent). */
  fieldManager?: string;
}

export interface ApplyOptions extends WriteOptions {
  force: boolean;
}

export interface ListOptions {
  limit?: number;
  continue?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: PropagationPolicy;
}

export interface Written<T> {
  object: T;
  warnings: string[];
  /** Set when a write that may create (server-side apply) did create the object. */
  created?: boolean;
}

export interface Deleted<T> {
  object: T;
  /** False when finalizers hold the object: it now only carries a deletionTimestamp. */
  deleted: boolean;
}

export interface WatchSink<T> {
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: T): void;
  end(error?: StatusError): void;
}

/** Checks a namespace may receive new objects (exists, not terminating): an admission check. */
export type NamespaceCheck = (namespace: string) => Promise<void>;

/** The registry's clock: creation and deletion timestamps come from it. */
export type Clock = () => Date;
