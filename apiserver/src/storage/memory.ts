// The in-memory implementation of ObjectStore (object-store.ts), with the etcd store's
// semantics: one revision counter per store, resourceVersion = the revision of the last
// write, compare-and-swap writes, lists in key order from one snapshot (paged with the same
// continue tokens, readable at an older revision until compacted), watches that replay from
// a revision and end with 410 Expired once it is compacted. It exists so the registry can be
// unit-tested without etcd; the server runs on etcd.

import { errors, type StatusError, type Target } from '../../../common/apis/meta/errors.ts';
import { compactedList, listPage, listStart, pageLimit } from './continue.ts';
import type {
  ListOptions,
  ListResult,
  ObjectStore,
  StoredObject,
  StoreWatch,
  StoreWatchEvent,
} from './object-store.ts';

interface Version {
  /** The object as JSON, without its resourceVersion (as the etcd store keeps it). */
  value: string;
  createRevision: number;
  modRevision: number;
}

interface Change {
  revision: number;
  key: string;
  /** Absent for a delete. */
  after?: Version;
  before?: Version;
}

interface Watcher<T> {
  prefix: string;
  onEvent(event: StoreWatchEvent<T>): void;
  onEnd(error: StatusError): void;
}

function encode(object: StoredObject): string {
  const { resourceVersion: _dropped, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

function decode<T extends StoredObject>(version: Version, revision = version.modRevision): T {
  const object = JSON.parse(version.value) as T;
  object.metadata.resourceVersion = String(revision);
  return object;
}

export class MemoryStore<T extends StoredObject> implements ObjectStore<T> {
  readonly #target: Omit<Target, 'name'>;
  readonly #objects = new Map<string, Version>();
  readonly #history: Change[] = [];
  readonly #watchers = new Set<Watcher<T>>();
  #revision = 1;
  #compacted = 0;

  constructor(target: Omit<Target, 'name'> = { group: 'test.kubehpc.io', resource: 'things' }) {
    this.#target = target;
  }

  /** The latest revision (what a list without a revision reads at). */
  get revision(): number {
    return this.#revision;
  }

  /** Forgets history up to `revision`, as etcd's compaction: older reads and watches get 410. */
  compact(revision: number = this.#revision): void {
    this.#compacted = Math.max(this.#compacted, revision);
    while (this.#history.length > 0 && (this.#history[0] as Change).revision <= this.#compacted)
      this.#history.shift();
  }

  #key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  #prefix(namespace?: string): string {
    return namespace ? `${namespace}/` : '';
  }

  #commit(key: string, after: Version | undefined): number {
    const revision = ++this.#revision;
    const before = this.#objects.get(key);
    if (after) this.#objects.set(key, { ...after, modRevision: revision });
    else this.#objects.delete(key);
    const change: Change = {
      revision,
      key,
      ...(after ? { after: { ...after, modRevision: revision } } : {}),
      ...(before ? { before } : {}),
    };
    this.#history.push(change);
    for (const w of this.#watchers) {
      if (key.startsWith(w.prefix)) queueMicrotask(() => this.#deliver(w, change));
    }
    return revision;
  }

  #deliver(w: Watcher<T>, change: Change): void {
    if (!this.#watchers.has(w)) return;
    if (!change.after) {
      if (change.before) w.onEvent({ type: 'DELETED', object: decode<T>(change.before, change.revision) });
      return;
    }
    const created = change.after.createRevision === change.after.modRevision;
    w.onEvent({
      type: created ? 'ADDED' : 'MODIFIED',
      object: decode<T>(change.after),
      ...(!created && change.before ? { previous: decode<T>(change.before) } : {}),
    });
  }

  async get(namespace: string, name: string): Promise<T> {
    const current = this.#objects.get(this.#key(namespace, name));
    if (!current) throw errors.notFound({ ...this.#target, name });
    return decode<T>(current);
  }

  async create(namespace: string, name: string, object: T): Promise<T> {
    const key = this.#key(namespace, name);
    if (this.#objects.has(key)) throw errors.alreadyExists({ ...this.#target, name });
    const revision = this.#revision + 1;
    this.#commit(key, { value: encode(object), createRevision: revision, modRevision: revision });
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
  }

  async update(namespace: string, name: string, transform: (current: T) => T | Promise<T>): Promise<T> {
    const key = this.#key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = this.#objects.get(key);
      if (!current) throw errors.notFound({ ...this.#target, name });
      const before = decode<T>(current);
      const after = await transform(structuredClone(before));
      const value = encode(after);
      if (value === current.value) return before;
      // Compare-and-swap: a write that raced the transform makes it run again on the new state.
      if (this.#objects.get(key) === current) {
        const revision = this.#commit(key, { ...current, value });
        return { ...after, metadata: { ...after.metadata, resourceVersion: String(revision) } };
      }
      if (attempt >= 16)
        throw errors.conflict({ ...this.#target, name }, 'too many concurrent updates, retry');
    }
  }

  async delete(namespace: string, name: string, check: (current: T) => void = () => undefined): Promise<T> {
    const key = this.#key(namespace, name);
    const current = this.#objects.get(key);
    if (!current) throw errors.notFound({ ...this.#target, name });
    check(decode<T>(current));
    const revision = this.#commit(key, undefined);
    return decode<T>(current, revision);
  }

  /** The objects under a prefix as they were at `revision`, in key order. */
  #snapshot(prefix: string, revision: number): Array<[string, Version]> {
    const state = new Map(this.#objects);
    // Undo the changes made after the snapshot, newest first.
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const change = this.#history[i] as Change;
      if (change.revision <= revision) break;
      if (change.before) state.set(change.key, change.before);
      else state.delete(change.key);
    }
    return [...state]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async list(namespace: string | undefined, options: ListOptions = {}): Promise<ListResult<T>> {
    const prefix = this.#prefix(namespace);
    const { revision, fromKey } = listStart(prefix, options);
    if (revision > this.#revision) {
      throw errors.timeout(`Too large resource version: ${revision}, current: ${this.#revision}`);
    }
    if (revision && revision < this.#compacted) throw compactedList(options, revision);
    const all = this.#snapshot(prefix, revision || this.#revision).filter(
      ([key]) => fromKey === undefined || key >= fromKey,
    );
    const page = all.slice(0, pageLimit(options) || all.length);
    return listPage(
      page.map(([, v]) => decode<T>(v)),
      revision || this.#revision,
      page.at(-1)?.[0].slice(prefix.length),
      all.length - page.length,
    );
  }

  watch(
    namespace: string | undefined,
    revision: number,
    onEvent: (event: StoreWatchEvent<T>) => void,
    onEnd: (error: StatusError) => void,
    progressIntervalMs?: number,
  ): StoreWatch {
    const watcher: Watcher<T> = { prefix: this.#prefix(namespace), onEvent, onEnd };
    let timer: NodeJS.Timeout | undefined;
    if (revision < this.#compacted) {
      queueMicrotask(() =>
        onEnd(errors.expired(`too old resource version: ${revision} (${this.#compacted})`)),
      );
      return { stop: () => undefined };
    }
    this.#watchers.add(watcher);
    for (const change of this.#history) {
      if (change.revision > revision && change.key.startsWith(watcher.prefix))
        queueMicrotask(() => this.#deliver(watcher, change));
    }
    if (progressIntervalMs) {
      timer = setInterval(() => {
        const resourceVersion = String(this.#revision);
        queueMicrotask(() => {
          if (this.#watchers.has(watcher))
            onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion } } as T });
        });
      }, progressIntervalMs);
      timer.unref();
    }
    return {
      stop: () => {
        clearInterval(timer);
        this.#watchers.delete(watcher);
      },
    };
  }
}
