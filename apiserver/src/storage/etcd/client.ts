// A small etcd v3 client on @grpc/grpc-js: ranges, transactions and watches, with revisions
// as numbers (exact up to 2^53, far beyond any etcd revision). Written here rather than
// taken from the `etcd3` package because the API server needs exactly etcd's semantics at
// the edges — the header revision of every read, compare-and-swap on mod_revision, and a
// watch that reports compaction instead of silently resuming — and those are clearest
// with the upstream protocol in hand (rpc.proto). It knows nothing of Kubernetes objects.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface EtcdOptions {
  endpoint: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface KeyValue {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

export interface RangeResult {
  revision: number;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export type Compare =
  | { key: string; target: 'MOD'; result: 'EQUAL'; modRevision: number }
  | { key: string; target: 'CREATE'; result: 'EQUAL'; createRevision: number };

export type Op =
  | { put: { key: string; value: Buffer } }
  | { delete: { key: string } }
  | { range: { key: string } };

export interface TxnResult {
  revision: number;
  succeeded: boolean;
  /** For each op of the branch taken: the key-values a range read, or the previous ones a delete removed. */
  responses: Array<{ kvs: KeyValue[] }>;
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  prevKv?: KeyValue;
}

export interface WatchHandlers {
  /** Events of one revision batch, and the header revision of the response. */
  onEvents(events: WatchEvent[], revision: number): void;
  /** A progress notification: nothing changed under the prefix up to `revision`. */
  onProgress(revision: number): void;
  /** The watch cannot continue: compacted (`compactRevision` set) or the stream failed. */
  onEnd(reason: { compactRevision?: number; error?: Error }): void;
}

export interface Watch {
  cancel(): void;
  /** Asks etcd for a progress notification now (answered once the watch has caught up). */
  requestProgress(): void;
}

/** grpc status code etcd answers with when a revision was compacted (OutOfRange). */
export const COMPACTED_CODE = grpc.status.OUT_OF_RANGE;

interface RawKeyValue {
  key: Buffer;
  value: Buffer;
  create_revision: string;
  mod_revision: string;
  version: string;
}

interface RawHeader {
  revision: string;
}

type Unary<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => void;

interface KvStub extends grpc.Client {
  Range: Unary<
    Record<string, unknown>,
    { header: RawHeader; kvs: RawKeyValue[]; more: boolean; count: string }
  >;
  Txn: Unary<
    Record<string, unknown>,
    {
      header: RawHeader;
      succeeded: boolean;
      responses: Array<{
        response_range?: { kvs: RawKeyValue[] };
        response_delete_range?: { prev_kvs: RawKeyValue[] };
      }>;
    }
  >;
  Compact: Unary<Record<string, unknown>, { header: RawHeader }>;
}

interface RawWatchResponse {
  header: RawHeader;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: Array<{ type: 'PUT' | 'DELETE'; kv: RawKeyValue; prev_kv: RawKeyValue | null }>;
}

interface WatchStub extends grpc.Client {
  Watch(): grpc.ClientDuplexStream<Record<string, unknown>, RawWatchResponse>;
}

const PROTO = fileURLToPath(new URL('./rpc.proto', import.meta.url));

function loadServices(): { KV: grpc.ServiceClientConstructor; Watch: grpc.ServiceClientConstructor } {
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition).etcdserverpb as Record<
    string,
    grpc.ServiceClientConstructor
  >;
  return { KV: pkg.KV as grpc.ServiceClientConstructor, Watch: pkg.Watch as grpc.ServiceClientConstructor };
}

function keyValue(raw: RawKeyValue): KeyValue {
  return {
    key: raw.key.toString('utf8'),
    value: raw.value,
    createRevision: Number(raw.create_revision),
    modRevision: Number(raw.mod_revision),
    version: Number(raw.version),
  };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/** The key just past every key starting with `prefix`: etcd's range_end for a prefix. */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function rawOp(op: Op): Record<string, unknown> {
  if ('put' in op) return { request_put: { key: Buffer.from(op.put.key), value: op.put.value } };
  if ('delete' in op) return { request_delete_range: { key: Buffer.from(op.delete.key), prev_kv: true } };
  return { request_range: { key: Buffer.from(op.range.key) } };
}

function rawCompare(c: Compare): Record<string, unknown> {
  return c.target === 'MOD'
    ? { key: Buffer.from(c.key), target: 'MOD', result: 'EQUAL', mod_revision: c.modRevision }
    : { key: Buffer.from(c.key), target: 'CREATE', result: 'EQUAL', create_revision: c.createRevision };
}

export class EtcdClient {
  readonly #kv: KvStub;
  readonly #watch: WatchStub;
  readonly #timeoutMs: number;

  constructor(options: EtcdOptions, timeoutMs = 10_000) {
    const services = loadServices();
    const credentials = grpc.credentials.createSsl(
      readFileSync(options.caFile),
      readFileSync(options.keyFile),
      readFileSync(options.certFile),
    );
    const target = options.endpoint.replace(/^https?:\/\//, '');
    const host = target.replace(/:\d+$/, '');
    const channelOptions = {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      // etcd's own Go client accepts answers up to 2 GiB; gRPC's 4 MiB default would make a
      // page of large objects, or a watch response carrying many events, fail the read.
      'grpc.max_receive_message_length': 2 ** 31 - 1,
      // TLS server names may not be IP addresses; loopback etcd certificates name localhost.
      ...(isIP(host) && isLoopback(host) ? { 'grpc.ssl_target_name_override': 'localhost' } : {}),
    };
    this.#kv = new services.KV(target, credentials, channelOptions) as unknown as KvStub;
    this.#watch = new services.Watch(target, credentials, channelOptions) as unknown as WatchStub;
    this.#timeoutMs = timeoutMs;
  }

  #call<Req, Res>(method: Unary<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.#kv, req, { deadline: Date.now() + this.#timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  }

  /** Keys under a prefix (or one key), in key order, at `revision` (0: the latest). */
  async range(req: {
    key: string;
    prefix?: boolean;
    fromKey?: string;
    limit?: number;
    revision?: number;
    countOnly?: boolean;
  }): Promise<RangeResult> {
    const res = await this.#call(this.#kv.Range, {
      key: Buffer.from(req.fromKey ?? req.key),
      ...(req.prefix ? { range_end: prefixEnd(req.key) } : {}),
      limit: req.limit ?? 0,
      revision: req.revision ?? 0,
      count_only: req.countOnly ?? false,
    });
    return {
      revision: Number(res.header.revision),
      kvs: res.kvs.map(keyValue),
      more: res.more,
      count: Number(res.count),
    };
  }

  async txn(compare: Compare[], success: Op[], failure: Op[] = []): Promise<TxnResult> {
    const res = await this.#call(this.#kv.Txn, {
      compare: compare.map(rawCompare),
      success: success.map(rawOp),
      failure: failure.map(rawOp),
    });
    return {
      revision: Number(res.header.revision),
      succeeded: res.succeeded,
      responses: res.responses.map((r) => ({
        kvs: (r.response_range?.kvs ?? r.response_delete_range?.prev_kvs ?? []).map(keyValue),
      })),
    };
  }

  async compact(revision: number): Promise<void> {
    await this.#call(this.#kv.Compact, { revision, physical: true });
  }

  /**
   * Watches every key under `prefix` from `startRevision` (inclusive) with previous values.
   * With `progressNotify: false` etcd sends progress only when asked (requestProgress), so
   * every progress notification answers a request.
   */
  watch(
    prefix: string,
    startRevision: number,
    handlers: WatchHandlers,
    options: { progressNotify?: boolean } = {},
  ): Watch {
    const stream = this.#watch.Watch();
    let ended = false;
    const end = (reason: { compactRevision?: number; error?: Error }) => {
      if (ended) return;
      ended = true;
      stream.cancel();
      handlers.onEnd(reason);
    };
    stream.on('data', (res: RawWatchResponse) => {
      const revision = Number(res.header.revision);
      if (res.canceled) {
        const compactRevision = Number(res.compact_revision);
        end(
          compactRevision > 0
            ? { compactRevision }
            : { error: new Error(`watch canceled: ${res.cancel_reason}`) },
        );
        return;
      }
      if (res.created) return;
      if (res.events.length === 0) {
        handlers.onProgress(revision);
        return;
      }
      handlers.onEvents(
        res.events.map((e) => ({
          type: e.type,
          kv: keyValue(e.kv),
          ...(e.prev_kv ? { prevKv: keyValue(e.prev_kv) } : {}),
        })),
        revision,
      );
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) end({ error });
    });
    stream.on('end', () => end({ error: new Error('etcd closed the watch stream') }));
    stream.write({
      create_request: {
        key: Buffer.from(prefix),
        range_end: prefixEnd(prefix),
        start_revision: startRevision,
        progress_notify: options.progressNotify ?? true,
        prev_kv: true,
      },
    });
    return {
      cancel: () => {
        ended = true;
        stream.cancel();
      },
      requestProgress: () => {
        if (!ended) stream.write({ progress_request: {} });
      },
    };
  }

  close(): void {
    this.#kv.close();
    this.#watch.close();
  }
}
