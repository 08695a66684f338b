// A watch whose client stopped reading is closed once its unsent bytes pass the bound, and
// its storage watch stopped: the server must not buffer events for an hour.
import { EventEmitter } from 'node:events';
import t from 'tap';
import { serverMetrics } from '../../../../apiserver/src/server/metrics.ts';
import { MAX_UNSENT_WATCH_BYTES, serveWatch } from '../../../../apiserver/src/server/watch.ts';

type Sink = { event(type: string, object: unknown): void; end(error?: unknown): void };

/** A response whose client never reads: every byte written stays unsent. */
class StuckResponse extends EventEmitter {
  writableLength = 0;
  ended = false;
  destroyed = false;
  headers: Record<string, unknown> = {};
  writeHead(_code: number, headers: Record<string, unknown>) {
    this.headers = headers;
  }
  flushHeaders() {}
  write(chunk: string) {
    if (!this.destroyed) this.writableLength += Buffer.byteLength(chunk);
    return false;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.writableLength = 0;
  }
}

async function openWatch() {
  const res = new StuckResponse();
  let sink: Sink | undefined;
  let stopped = 0;
  const registry = {
    strategy: {},
    watch: async (_ns: string | undefined, _opts: unknown, s: Sink) => {
      sink = s;
      return { stop: () => stopped++ };
    },
  };
  const warnings: unknown[] = [];
  const request = {
    info: {
      isResourceRequest: true,
      group: 'apps.kubehpc.dev',
      version: 'v1alpha1',
      resource: 'projectservices',
      namespace: 'ns',
    },
    raw: Object.assign(new EventEmitter(), { httpVersionMajor: 1 }),
    log: { warn: (...args: unknown[]) => warnings.push(args) },
  };
  const reply = { raw: res, hijack() {} };
  const watches = new Set<{ end(): void }>();
  const metrics = serverMetrics();
  await serveWatch(
    request as never,
    reply as never,
    registry as never,
    'ns',
    { allowWatchBookmarks: false, sendInitialEvents: false } as never,
    { format: 'json' },
    { timeoutSeconds: '60' },
    { watches, metrics },
  );
  return { res, sink: sink as Sink, stopped: () => stopped, watches, warnings, metrics };
}

const object = (i: number) => ({
  apiVersion: 'apps.kubehpc.dev/v1alpha1',
  kind: 'ProjectService',
  metadata: { name: `p${i}`, namespace: 'ns', resourceVersion: String(i) },
  spec: { image: 'x:1', args: ['a'.repeat(64 * 1024)] },
});

t.test('a client that stops reading is cut off at the bound, not buffered for an hour', async (t) => {
  const w = await openWatch();
  t.equal(w.watches.size, 1, 'the watch is open');
  let sent = 0;
  while (!w.res.destroyed && sent < 10_000) w.sink.event('ADDED', object(sent++));
  t.ok(w.res.destroyed, 'the response is destroyed (its unsent bytes dropped)');
  const perEvent = MAX_UNSENT_WATCH_BYTES / (sent - 1);
  t.ok(
    perEvent > 64 * 1024 && perEvent < 70 * 1024,
    `closed just past the bound (${sent} events of ~65 KiB)`,
  );
  t.equal(w.stopped(), 1, 'the storage watch is stopped');
  t.equal(w.watches.size, 0, 'no longer counted as open');
  t.equal(w.warnings.length, 1, 'logged once');
  w.sink.event('ADDED', object(sent));
  t.equal(w.res.writableLength, 0, 'nothing is written after the close');
});

t.test('a client that keeps up is never cut off', async (t) => {
  const w = await openWatch();
  for (let i = 0; i < 2000; i++) {
    w.sink.event('ADDED', object(i));
    w.res.writableLength = 0; // the client read everything
  }
  t.notOk(w.res.destroyed);
  t.equal(w.watches.size, 1);
  t.equal(w.stopped(), 0);
  for (const h of w.watches) h.end();
});
