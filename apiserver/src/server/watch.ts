// Serving a watch: the registry's watch started before answering (so a bad resourceVersion
// is a plain error response), then a stream of JSON lines in the representation the
// client asked for (chunked over HTTP/1.1, DATA frames over HTTP/2, each event written as
// it happens), ended by the client, the server's timeout (timeoutSeconds, or 30–60
// minutes), a storage error (an ERROR event), or shutdown. Open watches are counted.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StatusError } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { AnyRegistry } from '../registry/registry.ts';
import type { WatchOptions } from '../registry/types.ts';
import type { StoreWatch } from '../storage/object-store.ts';
import { encodeJson } from '../storage/versions.ts';
import { type ServerMetrics, scopeOf } from './metrics.ts';
import type { Representation } from './negotiation.ts';
import { includeObject, type Query } from './query.ts';
import type { RequestInfo } from './requestinfo.ts';
import { metadataOnly } from './respond.ts';
import { bookmarkTable, table } from './table.ts';

/**
 * Bytes a watch may have written and not yet sent before it is closed. A client that stops
 * reading would otherwise make the server buffer every later event until the watch times out
 * (30–60 minutes); kube-apiserver likewise closes a watcher that cannot keep up. The client
 * re-watches from the last resourceVersion it received, so closing loses nothing.
 */
export const MAX_UNSENT_WATCH_BYTES = 32 * 1024 * 1024;

/** The watches a server has open, so shutdown can end them cleanly. */
export type OpenWatches = Set<{ end(): void }>;

export async function serveWatch(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: AnyRegistry,
  namespace: string | undefined,
  opts: WatchOptions & { allowWatchBookmarks: boolean; sendInitialEvents: boolean },
  rep: Representation,
  query: Query,
  context: { watches: OpenWatches; metrics: ServerMetrics },
): Promise<void> {
  const { watches, metrics: m } = context;
  const info = request.info as Extract<RequestInfo, { isResourceRequest: true }>;
  const gaugeLabels = {
    verb: 'WATCH',
    group: info.group,
    version: info.version,
    resource: info.resource,
    scope: scopeOf(info),
    component: 'apiserver',
  };
  const res: ServerResponse<IncomingMessage> = reply.raw;
  let storeWatch: StoreWatch | undefined;
  let open = true;
  const write = (type: string, object: unknown) => {
    // The object's JSON is shared by every watcher of this version (storage/versions.ts).
    if (!open) return;
    if (object === undefined) res.write(`${JSON.stringify({ type })}\n`);
    else res.write(`{"type":${JSON.stringify(type)},"object":${encodeJson(object)}}\n`);
    if (res.writableLength > MAX_UNSENT_WATCH_BYTES) {
      // Not res.end(): that would keep the unsent bytes until the client reads them.
      request.log.warn({ unsentBytes: res.writableLength }, 'closing a watch whose client stopped reading');
      handle.end();
      res.destroy();
    }
  };
  const handle = {
    end: () => {
      if (!open) return;
      open = false;
      storeWatch?.stop();
      watches.delete(handle);
      clearTimeout(timer);
      m.longRunning.dec(gaugeLabels);
      res.end();
    },
  };
  const requested = Number(query.timeoutSeconds);
  const seconds =
    Number.isFinite(requested) && requested > 0 ? requested : 1800 + Math.floor(Math.random() * 1800);
  const timer = setTimeout(() => handle.end(), seconds * 1000);
  // Every event, bookmarks included, in the representation the client asked for: a metadata
  // informer that gets a bare ProjectService cannot decode it and re-lists.
  const presentEvent = (type: string, object: TypedObject<unknown, unknown>) => {
    if (rep.as === 'Table')
      return type === 'BOOKMARK'
        ? bookmarkTable(registry.strategy, object, includeObject(query))
        : table(registry.strategy, [object], {}, includeObject(query));
    if (rep.as === 'PartialObjectMetadata') return metadataOnly(object);
    return object;
  };
  // Start the storage watch before answering, so a bad resourceVersion is a plain error response.
  const pending: Array<[string, unknown]> = [];
  let started = false;
  const sink = {
    event: (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: TypedObject<unknown, unknown>) => {
      const shown = presentEvent(type, object);
      if (started) write(type, shown);
      else pending.push([type, shown]);
    },
    end: (error?: StatusError) => {
      if (error) {
        if (started) write('ERROR', error.status);
        else pending.push(['ERROR', error.status]);
      }
      if (started) handle.end();
      else pending.push(['END', undefined]);
    },
  };
  try {
    storeWatch = await registry.watch(namespace, opts, sink);
  } catch (error) {
    // A refused watch (bad selector, bad resourceVersion) must not leave its timeout armed:
    // one leaked timer per bad request keeps the process busy for up to an hour.
    open = false;
    clearTimeout(timer);
    throw error;
  }
  reply.hijack();
  res.writeHead(200, {
    // Watch streams are JSON lines whatever the requested format, as kube-apiserver's.
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    // HTTP/1.1 chunks each event; HTTP/2 frames it (connection headers are forbidden there).
    ...(request.raw.httpVersionMajor === 1 ? { 'Transfer-Encoding': 'chunked' } : {}),
  });
  res.flushHeaders();
  started = true;
  watches.add(handle);
  m.longRunning.inc(gaugeLabels);
  for (const [type, object] of pending) {
    if (type === 'END') {
      handle.end();
      return;
    }
    write(type, object);
  }
  request.raw.on('close', () => handle.end());
  res.on('error', () => handle.end());
}
