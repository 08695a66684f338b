// The watch cache (an ObjectStore, object-store.ts): one resource's objects held in memory, fed by a single etcd watch, in
// front of the ResourceStore that writes them (kube-apiserver's cacher). Reads and watches
// are served from memory; writes pass through. It must not change what clients see:
//
// - Consistent reads. A get or list without a resourceVersion must reflect every write
//   acknowledged before it began, on any replica. Before answering, the cache learns etcd's
//   current revision and waits until it has applied every change up to it (freshness.ts:
//   progress notifications on its own watch stream carry it past writes elsewhere in etcd).
//   Concurrent reads share one revision read.
// - Lists at an exact revision and continued lists read etcd, so 410 Expired, snapshots and
//   continue tokens stay etcd's; a first page from the cache carries a token for its revision.
// - A watch from a revision inside the cache's history is replayed from memory, after etcd has
//   confirmed the revision is not compacted (410 stays etcd's decision); an older one is etcd's.
// - Objects are sealed (versions.ts): one decoded copy per version, and one JSON encoding of
//   it, is shared by every reader and watcher.
//
// While the cache is not synced (starting, or its watch failed and it is relisting) every
// call goes to the store underneath.

import type { StatusError } from '../../../common/apis/meta/errors.ts';
import { listPage, pageLimit } from './continue.ts';
import type { EtcdClient, KeyValue, Watch } from './etcd/client.ts';
import { rangeAll } from './etcd/pages.ts';
import { Freshness } from './freshness.ts';
import type {
  ListOptions,
  ListResult,
  ObjectStore,
  StoredObject,
  StoreWatch,
  StoreWatchEvent,
} from './object-store.ts';
import { decodeStored, isCompacted, type Metrics, storageError } from './store.ts';
import { seal } from './versions.ts';

export interface CacheOptions {
  /** Events kept for watches resuming from a recent revision. */
  historySize?: number;
  /** How long a read waits for the cache to catch up before asking etcd itself. */
  freshnessTimeoutMs?: number;
  /** Pause before relisting after the cache's watch failed. */
  retryMs?: number;
  /** While a read waits, how often to ask etcd again for a progress notification. */
  progressResendMs?: number;
  onError?: (message: string) => void;
  /**
   * Storage latency of the reads the cache answers, under the same operation names the store
   * reports (a consistent read still waits on etcd: its progress notification).
   */
  metrics?: Metrics;
  /** The resource's name in those metrics. */
  resource?: string;
}

type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Change<T> {
  type: ChangeType;
  object: T;
  previous?: T;
  revision: number;
  /** Key relative to the resource's root: `<namespace>/<name>`. */
  key: string;
}

interface Watcher<T> {
  prefix: string;
  from: number;
  onEvent: (event: StoreWatchEvent<T>) => void;
  onEnd: (error: StatusError) => void;
  stopped: boolean;
}

/** The etcd calls the cache makes itself (everything else goes through the store). */
export type CacheSource = Pick<EtcdClient, 'range' | 'watch'>;

export class WatchCache<T extends StoredObject> implements ObjectStore<T> {
  readonly #inner: ObjectStore<T>;
  readonly #etcd: CacheSource;
  readonly #root: string;
  readonly #historySize: number;
  readonly #freshnessTimeoutMs: number;
  readonly #retryMs: number;
  readonly #onError: (message: string) => void;
  readonly #observe: (operation: string, began: bigint) => void;

  #objects = new Map<string, T>();
  #sorted: string[] | undefined;
  #history: Change<T>[] = [];
  /** The history holds every change after this revision. */
  #oldest = 0;
  /** Every change up to this revision has been applied. */
  #revision = 0;
  #synced = false;
  #closed = false;
  #watch: Watch | undefined;
  #retry: NodeJS.Timeout | undefined;
  readonly #watchers = new Set<Watcher<T>>();
  /** When a consistent read may be answered from memory (freshness.ts). */
  readonly #freshness: Freshness;

  constructor(inner: ObjectStore<T>, etcd: CacheSource, root: string, options: CacheOptions = {}) {
    this.#inner = inner;
    this.#etcd = etcd;
    this.#root = root;
    this.#historySize = options.historySize ?? 1_000;
    this.#freshnessTimeoutMs = options.freshnessTimeoutMs ?? 5_000;
    this.#freshness = new Freshness(
      {
        currentRevision: async () => (await etcd.range({ key: root, countOnly: true })).revision,
        requestProgress: () => {
          if (!this.#watch) return false;
          this.#watch.requestProgress();
          return true;
        },
      },
      options.progressResendMs,
    );
    this.#retryMs = options.retryMs ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
    const metrics = options.metrics;
    const resource = options.resource ?? root;
    this.#observe = (operation, began) =>
      metrics?.observe(operation, resource, Number(process.hrtime.bigint() - began) / 1e9);
  }

  /** Lists the resource and starts its watch; resolves once synced (or the first attempt failed). */
  async start(): Promise<void> {
    await this.#sync();
  }

  /** Stops the watch; open cache watches end as if etcd went away, reads go to etcd. */
  stop(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#desync(storageError(new Error('the watch cache is stopped')));
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Every change up to this revision is in the cache. */
  get revision(): number {
    return this.#revision;
  }

  async #sync(): Promise<void> {
    if (this.#closed) return;
    try {
      const res = await rangeAll(this.#etcd, this.#root);
      if (this.#closed) return;
      this.#objects = new Map(res.kvs.map((kv) => [this.#relative(kv), seal(decodeStored<T>(kv))]));
      this.#sorted = undefined;
      this.#history = [];
      this.#oldest = res.revision;
      this.#revision = res.revision;
      this.#freshness.reset(res.revision);
      this.#watch = this.#etcd.watch(
        this.#root,
        res.revision + 1,
        {
          onEvents: (events) => {
            for (const e of events) this.#apply(e.type, e.kv, e.prevKv);
            this.#freshness.advance(this.#revision);
          },
          onProgress: (revision) => this.#progress(revision),
          onEnd: (reason) => {
            this.#onError(
              `watch cache of ${this.#root} lost its watch: ${reason.error?.message ?? `compacted at ${reason.compactRevision}`}`,
            );
            this.#desync(storageError(reason.error ?? new Error('compacted')));
            this.#retry = setTimeout(() => void this.#sync(), this.#retryMs);
            this.#retry.unref();
          },
        },
        { progressNotify: false },
      );
      this.#synced = true;
    } catch (error) {
      this.#onError(`watch cache of ${this.#root} cannot list: ${(error as Error).message}`);
      this.#retry = setTimeout(() => void this.#sync(), this.#retryMs);
      this.#retry.unref();
    }
  }

  #desync(error: StatusError): void {
    this.#synced = false;
    this.#watch?.cancel();
    this.#watch = undefined;
    // Waiting reads fall back to etcd; cache watches end (clients re-watch and land on etcd).
    this.#freshness.release();
    for (const w of this.#watchers) {
      w.stopped = true;
      w.onEnd(error);
    }
    this.#watchers.clear();
  }

  #relative(kv: KeyValue): string {
    return kv.key.slice(this.#root.length);
  }

  #apply(type: 'PUT' | 'DELETE', kv: KeyValue, prevKv?: KeyValue): void {
    const key = this.#relative(kv);
    const revision = kv.modRevision;
    let change: Change<T>;
    if (type === 'DELETE') {
      const before = this.#objects.get(key);
      this.#objects.delete(key);
      this.#sorted = undefined;
      const gone = before ?? (prevKv ? decodeStored<T>(prevKv) : undefined);
      if (!gone) {
        this.#revision = revision;
        return;
      }
      const object = seal({
        ...gone,
        metadata: { ...gone.metadata, resourceVersion: String(revision) },
      });
      change = { type: 'DELETED', object, revision, key };
    } else {
      const object = seal(decodeStored<T>(kv));
      const previous = this.#objects.get(key) ?? (prevKv ? seal(decodeStored<T>(prevKv)) : undefined);
      if (!this.#objects.has(key)) this.#sorted = undefined;
      this.#objects.set(key, object);
      const created = kv.createRevision === kv.modRevision;
      change = {
        type: created ? 'ADDED' : 'MODIFIED',
        object,
        ...(!created && previous ? { previous } : {}),
        revision,
        key,
      };
    }
    this.#revision = revision;
    this.#history.push(change);
    if (this.#history.length > this.#historySize) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historySize);
      this.#oldest = (dropped.at(-1) as Change<T>).revision;
    }
    for (const w of this.#watchers) this.#deliver(w, change);
  }

  #deliver(w: Watcher<T>, change: Change<T>): void {
    if (w.stopped || change.revision <= w.from || !change.key.startsWith(w.prefix)) return;
    w.onEvent({
      type: change.type,
      object: change.object,
      ...(change.previous ? { previous: change.previous } : {}),
    });
  }

  #progress(revision: number): void {
    if (revision > this.#revision) this.#revision = revision;
    this.#freshness.progressed(this.#revision);
  }

  /**
   * Resolves once the cache holds every write etcd had acknowledged when this was called;
   * false when the cache cannot tell (not synced, or etcd did not answer in time).
   */
  async #fresh(): Promise<boolean> {
    if (!this.#synced) return false;
    if (!(await this.#freshness.wait(this.#freshnessTimeoutMs))) {
      if (this.#synced)
        this.#onError(`watch cache of ${this.#root}: etcd did not confirm its revision in time`);
      return false;
    }
    return this.#synced;
  }

  async get(namespace: string, name: string): Promise<T> {
    const began = process.hrtime.bigint();
    if (!(await this.#fresh())) return this.#inner.get(namespace, name);
    const object = this.#objects.get(`${namespace}/${name}`);
    // Not found is the store's to phrase (and to double-check against etcd).
    if (!object) return this.#inner.get(namespace, name);
    this.#observe('get', began);
    return object;
  }

  create(namespace: string, name: string, object: T): Promise<T> {
    return this.#inner.create(namespace, name, object);
  }

  update(namespace: string, name: string, transform: (current: T) => T | Promise<T>): Promise<T> {
    return this.#inner.update(namespace, name, transform);
  }

  delete(namespace: string, name: string, check?: (current: T) => void): Promise<T> {
    return this.#inner.delete(namespace, name, check);
  }

  #keys(): string[] {
    this.#sorted ??= [...this.#objects.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.#sorted;
  }

  async list(namespace: string | undefined, options: ListOptions = {}): Promise<ListResult<T>> {
    // A continued list or one at an exact revision reads etcd's snapshot of that revision.
    if (options.continue || options.revision) return this.#inner.list(namespace, options);
    const began = process.hrtime.bigint();
    if (!(await this.#fresh())) return this.#inner.list(namespace, options);
    const revision = this.#revision;
    const prefix = namespace ? `${namespace}/` : '';
    const keys = this.#keys();
    let from = 0;
    if (prefix) {
      // Binary search for the first key of the namespace.
      let hi = keys.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if ((keys[mid] as string) < prefix) from = mid + 1;
        else hi = mid;
      }
    }
    let to = from;
    while (to < keys.length && (keys[to] as string).startsWith(prefix)) to++;
    const limit = pageLimit(options);
    const end = limit ? Math.min(to, from + limit) : to;
    // More to come: resume just after the last key, at this revision (the next page is etcd's).
    const result = listPage(
      keys.slice(from, end).map((k) => this.#objects.get(k) as T),
      revision,
      (keys[end - 1] as string | undefined)?.slice(prefix.length),
      to - end,
    );
    this.#observe('list', began);
    return result;
  }

  watch(
    namespace: string | undefined,
    revision: number,
    onEvent: (event: StoreWatchEvent<T>) => void,
    onEnd: (error: StatusError) => void,
    progressIntervalMs?: number,
  ): StoreWatch {
    if (!this.#synced || revision < this.#oldest)
      return this.#inner.watch(namespace, revision, onEvent, onEnd, progressIntervalMs);
    const watcher: Watcher<T> = {
      prefix: namespace ? `${namespace}/` : '',
      from: revision,
      onEvent,
      onEnd,
      stopped: false,
    };
    let timer: NodeJS.Timeout | undefined;
    let delegated: StoreWatch | undefined;
    const stop = () => {
      watcher.stopped = true;
      clearInterval(timer);
      this.#watchers.delete(watcher);
      delegated?.stop();
    };
    void this.#compacted(revision).then(
      (compacted) => {
        if (watcher.stopped) return;
        if (compacted || !this.#synced || revision < this.#oldest) {
          // etcd decides: it replays, or ends the watch with 410 Expired.
          delegated = this.#inner.watch(namespace, revision, onEvent, onEnd, progressIntervalMs);
          return;
        }
        for (const change of this.#history) this.#deliver(watcher, change);
        this.#watchers.add(watcher);
        if (progressIntervalMs) {
          timer = setInterval(() => void this.#bookmark(watcher), progressIntervalMs);
          timer.unref();
        }
      },
      (error: unknown) => {
        if (watcher.stopped) return;
        watcher.stopped = true;
        onEnd(storageError(error));
      },
    );
    return { stop };
  }

  /** A BOOKMARK at the revision etcd confirms the cache has reached (after every earlier event). */
  async #bookmark(w: Watcher<T>): Promise<void> {
    if (!(await this.#fresh()) || w.stopped || !this.#watchers.has(w)) return;
    if (this.#revision < w.from) return;
    w.onEvent({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.#revision) } } as T });
  }

  /** Whether a watch from `revision` (its first event at revision + 1) is gone from etcd. */
  async #compacted(revision: number): Promise<boolean> {
    try {
      await this.#etcd.range({ key: this.#root, countOnly: true, revision: revision + 1 });
      return false;
    } catch (error) {
      // A future revision is OutOfRange too; only "compacted" means the history is gone.
      if (!isCompacted(error)) throw error;
      return /compacted/.test(String((error as { details?: string }).details ?? (error as Error).message));
    }
  }
}
