// The etcd implementation of ObjectStore (object-store.ts). One key per object under a
// prefix of kubehpc's own (`/kubehpc/<group>/<resource>/<namespace>/<name>`), values as
// JSON, resourceVersion = the
// etcd revision that last wrote the key. Every write is a compare-and-swap transaction, so
// several API server replicas on one etcd stay consistent. Lists page with continue tokens
// over one snapshot revision; watches resume from a revision and end with 410 Expired when
// etcd has compacted it. Failures are StatusErrors from the catalogue.

import type { ServiceError } from '@grpc/grpc-js';
import { errors, StatusError, type Target } from '../../../common/apis/meta/errors.ts';
import { compactedList, listPage, listStart, pageLimit } from './continue.ts';
import { COMPACTED_CODE, type EtcdClient, type KeyValue } from './etcd/client.ts';
import { rangeAll } from './etcd/pages.ts';
import type {
  ListOptions,
  ListResult,
  ObjectStore,
  StoredObject,
  StoreWatch,
  StoreWatchEvent,
} from './object-store.ts';

export interface Metrics {
  observe(operation: string, resource: string, seconds: number): void;
}

const noMetrics: Metrics = { observe: () => undefined };

function encode(object: StoredObject): Buffer {
  const { resourceVersion: _dropped, ...metadata } = object.metadata;
  return Buffer.from(JSON.stringify({ ...object, metadata }));
}

/** An object as stored in etcd, its resourceVersion the revision that wrote it (or `revision`). */
export function decodeStored<T extends StoredObject>(kv: KeyValue, revision = kv.modRevision): T {
  const object = JSON.parse(kv.value.toString('utf8')) as T;
  object.metadata.resourceVersion = String(revision);
  return object;
}

export function isCompacted(error: unknown): boolean {
  return (error as ServiceError)?.code === COMPACTED_CODE;
}

export function storageError(error: unknown): StatusError {
  if (error instanceof StatusError) return error;
  const e = error as ServiceError;
  return errors.unavailable(`storage is unavailable: ${e?.details ?? e?.message ?? String(error)}`);
}

/** Storage of one resource (a group and plural) in etcd. */
export class ResourceStore<T extends StoredObject> implements ObjectStore<T> {
  readonly #etcd: EtcdClient;
  readonly #root: string;
  readonly #target: Omit<Target, 'name'>;
  readonly #metrics: Metrics;

  constructor(etcd: EtcdClient, prefix: string, target: Omit<Target, 'name'>, metrics: Metrics = noMetrics) {
    this.#etcd = etcd;
    this.#root = `${prefix}${target.group}/${target.resource}/`;
    this.#target = target;
    this.#metrics = metrics;
  }

  /** Where this resource's keys live in etcd (`<prefix><group>/<resource>/`). */
  get root(): string {
    return this.#root;
  }

  /** Prefix of a namespace's objects, or of all of them. */
  #prefix(namespace?: string): string {
    return namespace ? `${this.#root}${namespace}/` : this.#root;
  }

  #key(namespace: string, name: string): string {
    return `${this.#root}${namespace}/${name}`;
  }

  async #timed<R>(operation: string, fn: () => Promise<R>): Promise<R> {
    const began = process.hrtime.bigint();
    try {
      return await fn();
    } catch (error) {
      throw storageError(error);
    } finally {
      this.#metrics.observe(operation, this.#target.resource, Number(process.hrtime.bigint() - began) / 1e9);
    }
  }

  async get(namespace: string, name: string): Promise<T> {
    return this.#timed('get', async () => {
      const res = await this.#etcd.range({ key: this.#key(namespace, name) });
      const kv = res.kvs[0];
      if (!kv) throw errors.notFound({ ...this.#target, name });
      return decodeStored<T>(kv);
    });
  }

  /** Writes a new object; 409 AlreadyExists when the key is taken. */
  async create(namespace: string, name: string, object: T): Promise<T> {
    return this.#timed('create', async () => {
      const key = this.#key(namespace, name);
      const res = await this.#etcd.txn(
        [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
        [{ put: { key, value: encode(object) } }],
      );
      if (!res.succeeded) throw errors.alreadyExists({ ...this.#target, name });
      return { ...object, metadata: { ...object.metadata, resourceVersion: String(res.revision) } };
    });
  }

  /**
   * Reads, transforms and writes back an object only if nobody wrote it in between; on a
   * lost race it re-reads and tries again (the transform decides whether a changed
   * resourceVersion is a 409 Conflict). Returns the object as stored, or the current one
   * when the transform changed nothing.
   */
  async update(namespace: string, name: string, transform: (current: T) => T | Promise<T>): Promise<T> {
    return this.#timed('update', async () => {
      const key = this.#key(namespace, name);
      for (let attempt = 0; ; attempt++) {
        const { kv, before } = await this.#current(key, name);
        const after = await transform(structuredClone(before));
        const value = encode(after);
        if (value.equals(kv.value)) return before;
        const res = await this.#etcd.txn(
          [{ key, target: 'MOD', result: 'EQUAL', modRevision: kv.modRevision }],
          [{ put: { key, value } }],
        );
        if (res.succeeded)
          return { ...after, metadata: { ...after.metadata, resourceVersion: String(res.revision) } };
        if (attempt >= 16)
          throw errors.conflict({ ...this.#target, name }, 'too many concurrent updates, retry');
      }
    });
  }

  /** The object at `key` as etcd holds it now (with its key-value, for compare-and-swap), or 404. */
  async #current(key: string, name: string): Promise<{ kv: KeyValue; before: T }> {
    const kv = (await this.#etcd.range({ key })).kvs[0];
    if (!kv) throw errors.notFound({ ...this.#target, name });
    return { kv, before: decodeStored<T>(kv) };
  }

  /**
   * Deletes an object when `check` accepts its current state (preconditions); removes it
   * only if unchanged since that check. Returns the object as it was, with the deleting
   * revision as its resourceVersion.
   */
  async delete(namespace: string, name: string, check: (current: T) => void = () => undefined): Promise<T> {
    return this.#timed('delete', async () => {
      const key = this.#key(namespace, name);
      for (let attempt = 0; ; attempt++) {
        const { kv, before } = await this.#current(key, name);
        check(before);
        const res = await this.#etcd.txn(
          [{ key, target: 'MOD', result: 'EQUAL', modRevision: kv.modRevision }],
          [{ delete: { key } }],
        );
        if (res.succeeded) return decodeStored<T>(kv, res.revision);
        if (attempt >= 16)
          throw errors.conflict({ ...this.#target, name }, 'too many concurrent updates, retry');
      }
    });
  }

  /** One page of a namespace's (or every namespace's) objects, in key order, from one snapshot. */
  async list(namespace: string | undefined, options: ListOptions = {}): Promise<ListResult<T>> {
    return this.#timed('list', async () => {
      const prefix = this.#prefix(namespace);
      const { revision, fromKey } = listStart(prefix, options);
      const limit = pageLimit(options);
      let page: { kvs: KeyValue[]; revision: number; more: boolean; remaining: number };
      try {
        if (limit > 0) {
          const res = await this.#etcd.range({
            key: prefix,
            prefix: true,
            ...(fromKey ? { fromKey } : {}),
            limit,
            revision,
          });
          page = { ...res, remaining: res.count - res.kvs.length };
        } else {
          // No limit: every key, read a page of etcd's at a time from one snapshot.
          page = {
            ...(await rangeAll(this.#etcd, prefix, { revision, ...(fromKey ? { fromKey } : {}) })),
            more: false,
            remaining: 0,
          };
        }
      } catch (error) {
        if (!isCompacted(error)) throw error;
        throw compactedList(options, revision);
      }
      const last = page.kvs.at(-1);
      return listPage(
        page.kvs.map((kv) => decodeStored<T>(kv)),
        revision || page.revision,
        page.more ? last?.key.slice(prefix.length) : undefined,
        page.remaining,
      );
    });
  }

  /**
   * Every change after `revision` under a namespace (or all), in revision order. Progress
   * notifications arrive as BOOKMARK events carrying only a resourceVersion: on etcd's own
   * schedule (minutes), and every `progressIntervalMs` when given, by asking etcd for one.
   * `onEnd` gets a 410 Expired when the revision was compacted, or a 503 when etcd went away.
   */
  watch(
    namespace: string | undefined,
    revision: number,
    onEvent: (event: StoreWatchEvent<T>) => void,
    onEnd: (error: StatusError) => void,
    progressIntervalMs?: number,
  ): StoreWatch {
    let timer: NodeJS.Timeout | undefined;
    const watch = this.#etcd.watch(this.#prefix(namespace), revision + 1, {
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'DELETE') {
            if (e.prevKv) onEvent({ type: 'DELETED', object: decodeStored<T>(e.prevKv, e.kv.modRevision) });
          } else {
            const created = e.kv.createRevision === e.kv.modRevision;
            onEvent({
              type: created ? 'ADDED' : 'MODIFIED',
              object: decodeStored<T>(e.kv),
              ...(!created && e.prevKv ? { previous: decodeStored<T>(e.prevKv) } : {}),
            });
          }
        }
      },
      onProgress: (progressRevision) => {
        onEvent({
          type: 'BOOKMARK',
          object: { metadata: { resourceVersion: String(progressRevision) } } as T,
        });
      },
      onEnd: (reason) => {
        clearInterval(timer);
        if (reason.compactRevision !== undefined) {
          onEnd(errors.expired(`too old resource version: ${revision} (${reason.compactRevision})`));
        } else {
          onEnd(storageError(reason.error));
        }
      },
    });
    if (progressIntervalMs) {
      timer = setInterval(() => watch.requestProgress(), progressIntervalMs);
      timer.unref();
    }
    return {
      stop: () => {
        clearInterval(timer);
        watch.cancel();
      },
    };
  }
}
