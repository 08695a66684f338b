// An in-memory etcd with etcd's observable behaviour where the API server relies on it: one
// global revision, every version kept until compacted, ranges at a revision (OutOfRange
// "compacted" / "future revision" as etcd answers), compare-and-swap transactions, and
// watches whose events and progress notifications arrive in order — a progress answer only
// after every event before it, and dropped as etcd 3.6 drops them. Watch delivery can be held
// back (`holdWatches`) to play a watch that lags behind writes, the case the watch cache must
// survive.

import type { ServiceError } from '@grpc/grpc-js';
import {
  COMPACTED_CODE,
  type Compare,
  type EtcdClient,
  type KeyValue,
  type Op,
  type RangeResult,
  type TxnResult,
  type Watch,
  type WatchEvent,
  type WatchHandlers,
} from '../../../../apiserver/src/storage/etcd/client.ts';

interface Version {
  kv: KeyValue;
  deleted: boolean;
}

type Delivery = { events: WatchEvent[]; revision: number } | { progress: number };

interface FakeWatch {
  prefix: string;
  handlers: WatchHandlers;
  queue: Delivery[];
  ended: boolean;
}

function outOfRange(details: string): ServiceError {
  return Object.assign(new Error(details), { code: COMPACTED_CODE, details, metadata: undefined }) as never;
}

export class FakeEtcd implements Pick<EtcdClient, 'range' | 'txn' | 'watch' | 'compact'> {
  revision = 1;
  compactRevision = 0;
  /** Every version of every key, oldest first. */
  readonly #log: Array<{ key: string; version: Version; revision: number }> = [];
  readonly #watches = new Set<FakeWatch>();
  #held = false;
  /** Progress requests received, for tests that count them. */
  progressRequests = 0;
  /** Range requests received, for tests that count them. */
  rangeRequests = 0;
  /**
   * While set, progress requests are dropped, as etcd drops one while a watcher on the stream
   * is catching up. (It also drops them while no write has happened since the watch's start
   * revision; that rule always applies here.)
   */
  dropProgress = false;

  /** From now on watch deliveries wait in their queues until `releaseWatches`. */
  holdWatches(): void {
    this.#held = true;
  }

  releaseWatches(): void {
    this.#held = false;
    for (const w of this.#watches) this.#drain(w);
  }

  #drain(w: FakeWatch): void {
    while (!this.#held && !w.ended && w.queue.length > 0) {
      const next = w.queue.shift() as Delivery;
      if ('progress' in next) w.handlers.onProgress(next.progress);
      else w.handlers.onEvents(next.events, next.revision);
    }
  }

  #latest(key: string, atRevision: number): Version | undefined {
    let found: Version | undefined;
    for (const entry of this.#log) {
      if (entry.revision > atRevision) break;
      if (entry.key === key) found = entry.version;
    }
    return found;
  }

  #keysAt(atRevision: number): Map<string, KeyValue> {
    const live = new Map<string, KeyValue>();
    for (const entry of this.#log) {
      if (entry.revision > atRevision) break;
      if (entry.version.deleted) live.delete(entry.key);
      else live.set(entry.key, entry.version.kv);
    }
    return live;
  }

  async range(req: {
    key: string;
    prefix?: boolean;
    fromKey?: string;
    limit?: number;
    revision?: number;
    countOnly?: boolean;
  }): Promise<RangeResult> {
    this.rangeRequests++;
    const at = req.revision || this.revision;
    if (at < this.compactRevision) throw outOfRange('etcdserver: mvcc: required revision has been compacted');
    if (at > this.revision) throw outOfRange('etcdserver: mvcc: required revision is a future revision');
    const start = req.fromKey ?? req.key;
    const all = [...this.#keysAt(at).values()]
      .filter((kv) => (req.prefix ? kv.key.startsWith(req.key) && kv.key >= start : kv.key === req.key))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const limit = req.limit ?? 0;
    const kvs = req.countOnly ? [] : limit > 0 ? all.slice(0, limit) : all;
    return {
      revision: this.revision,
      kvs,
      more: !req.countOnly && kvs.length < all.length,
      count: all.length,
    };
  }

  async txn(compare: Compare[], success: Op[], failure: Op[] = []): Promise<TxnResult> {
    const ok = compare.every((c) => {
      const current = this.#latest(c.key, this.revision);
      const live = current && !current.deleted ? current.kv : undefined;
      return c.target === 'MOD'
        ? (live?.modRevision ?? 0) === c.modRevision
        : (live?.createRevision ?? 0) === c.createRevision;
    });
    const ops = ok ? success : failure;
    const writes = ops.filter((op) => !('range' in op));
    if (writes.length === 0) return { revision: this.revision, succeeded: ok, responses: [] };
    const revision = ++this.revision;
    const events: WatchEvent[] = [];
    for (const op of writes) {
      const key = 'put' in op ? op.put.key : (op as { delete: { key: string } }).delete.key;
      const before = this.#latest(key, revision - 1);
      const prevKv = before && !before.deleted ? before.kv : undefined;
      if ('put' in op) {
        const kv: KeyValue = {
          key,
          value: op.put.value,
          createRevision: prevKv?.createRevision ?? revision,
          modRevision: revision,
          version: (prevKv?.version ?? 0) + 1,
        };
        this.#log.push({ key, revision, version: { kv, deleted: false } });
        events.push({ type: 'PUT', kv, ...(prevKv ? { prevKv } : {}) });
      } else if (prevKv) {
        const kv: KeyValue = {
          key,
          value: Buffer.alloc(0),
          createRevision: 0,
          modRevision: revision,
          version: 0,
        };
        this.#log.push({ key, revision, version: { kv, deleted: true } });
        events.push({ type: 'DELETE', kv, prevKv });
      }
    }
    for (const w of this.#watches) {
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix));
      if (mine.length > 0) {
        w.queue.push({ events: mine, revision });
        this.#drain(w);
      }
    }
    return { revision, succeeded: ok, responses: [] };
  }

  /** A write outside any watched prefix: moves the global revision, as kube-apiserver's writes do. */
  async bump(): Promise<number> {
    await this.txn([], [{ put: { key: '/elsewhere/key', value: Buffer.from('x') } }]);
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.compactRevision = revision;
  }

  watch(
    prefix: string,
    startRevision: number,
    handlers: WatchHandlers,
    _options: { progressNotify?: boolean } = {},
  ): Watch {
    // Progress only on request: the unsolicited notifications etcd sends every few minutes never come here.
    const w: FakeWatch = { prefix, handlers, queue: [], ended: false };
    if (startRevision < this.compactRevision) {
      queueMicrotask(() => handlers.onEnd({ compactRevision: this.compactRevision }));
      return { cancel: () => undefined, requestProgress: () => undefined };
    }
    // Replay what happened from startRevision on, one delivery per revision.
    const byRevision = new Map<number, WatchEvent[]>();
    for (const entry of this.#log) {
      if (entry.revision < startRevision || !entry.key.startsWith(prefix)) continue;
      const before = this.#latest(entry.key, entry.revision - 1);
      const prevKv = before && !before.deleted ? before.kv : undefined;
      const event: WatchEvent = {
        type: entry.version.deleted ? 'DELETE' : 'PUT',
        kv: entry.version.kv,
        ...(prevKv ? { prevKv } : {}),
      };
      byRevision.set(entry.revision, [...(byRevision.get(entry.revision) ?? []), event]);
    }
    for (const [revision, events] of byRevision) w.queue.push({ events, revision });
    this.#watches.add(w);
    queueMicrotask(() => this.#drain(w));
    return {
      cancel: () => {
        w.ended = true;
        this.#watches.delete(w);
      },
      requestProgress: () => {
        this.progressRequests++;
        if (this.dropProgress || this.revision < startRevision) return;
        w.queue.push({ progress: this.revision });
        queueMicrotask(() => this.#drain(w));
      },
    };
  }

  /** Ends every watch as if etcd went away. */
  failWatches(): void {
    for (const w of this.#watches) {
      w.ended = true;
      w.handlers.onEnd({ error: new Error('etcd closed the watch stream') });
    }
    this.#watches.clear();
  }
}
