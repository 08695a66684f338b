// The process metrics every kubehpc server exposes: prom-client's defaults and the live heap,
// which must follow what a full garbage collection leaves, up and down.

import type { PerformanceEntry } from 'node:perf_hooks';
import { constants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import t from 'tap';
import {
  HEAP_LIVE_METRIC,
  isFullCollection,
  registerProcessMetrics,
} from '../../../common/process-metrics.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;

async function liveBytes(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric(HEAP_LIVE_METRIC)?.get();
  return metric?.values[0]?.value ?? Number.NaN;
}

/** Collects until the gauge satisfies `ok` (the observer reports after the collection). */
async function collectUntil(registry: Registry, ok: (bytes: number) => boolean): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    const bytes = await liveBytes(registry);
    if (ok(bytes) || Date.now() > deadline) return bytes;
  }
}

t.test('the registry carries the default process metrics and the live heap', async (t) => {
  const registry = new Registry();
  const stop = registerProcessMetrics(registry);
  t.teardown(stop);
  const text = await registry.metrics();
  for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', HEAP_LIVE_METRIC])
    t.match(text, new RegExp(`^${name} \\d`, 'm'), name);
  t.ok((await liveBytes(registry)) > 0, 'set before the first full collection');
});

t.test('the live heap follows what full collections leave', async (t) => {
  const registry = new Registry();
  const stop = registerProcessMetrics(registry);
  t.teardown(stop);
  const before = await collectUntil(registry, () => true);
  // 64 MiB of live objects (not one ArrayBuffer: those live outside the V8 heap).
  let retained: number[][] | undefined = Array.from({ length: 64 }, () => new Array(MiB / 8).fill(1.5));
  const grown = await collectUntil(registry, (b) => b >= before + 48 * MiB);
  t.ok(grown >= before + 48 * MiB, `live heap ${before / MiB} → ${grown / MiB} MiB with 64 MiB retained`);
  t.equal(retained.length, 64);
  retained = undefined;
  const shrunk = await collectUntil(registry, (b) => b <= grown - 48 * MiB);
  t.ok(shrunk <= grown - 48 * MiB, `live heap ${grown / MiB} → ${shrunk / MiB} MiB once released`);
});

t.test('only a full collection counts as one', async (t) => {
  const entry = (kind: number) => ({ entryType: 'gc', detail: { kind } }) as unknown as PerformanceEntry;
  t.equal(isFullCollection(entry(constants.NODE_PERFORMANCE_GC_MAJOR)), true);
  t.equal(isFullCollection(entry(constants.NODE_PERFORMANCE_GC_MINOR)), false);
  t.equal(isFullCollection(entry(constants.NODE_PERFORMANCE_GC_INCREMENTAL)), false);
  t.equal(isFullCollection({ entryType: 'gc' } as PerformanceEntry), false);
});
