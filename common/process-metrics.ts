// A Node process's own metrics on a prom-client registry: prom-client's defaults (resident
// memory, heap by space, event-loop lag, GC durations, handles) plus the live heap — the V8
// heap still in use right after the last full (mark-compact) collection. Heap in use at a
// random moment mixes live objects with garbage not yet collected and swings by tens of MiB;
// the heap after a full collection is what a leak makes grow, so a soak (and an alert) reads it.

import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

export const HEAP_LIVE_METRIC = 'kubehpc_nodejs_heap_live_bytes';

/** Whether a `gc` performance entry is a full collection (what leaves only live objects). */
export function isFullCollection(entry: PerformanceEntry): boolean {
  const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  return kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/**
 * Registers the process metrics on `registry`; the returned function stops observing the
 * collector (for programs and tests that start several servers in one process).
 */
// biome-ignore lint/suspicious/noExplicitAny: prom-client registries differ only in their content-type parameter
export function registerProcessMetrics(registry: Registry<any>): () => void {
  collectDefaultMetrics({ register: registry });
  const live = new Gauge({
    name: HEAP_LIVE_METRIC,
    help: 'V8 heap in use right after the last full (mark-compact) garbage collection, in bytes: the live heap.',
    registers: [registry],
  });
  // Until the first full collection, the heap in use is the best bound there is.
  live.set(getHeapStatistics().used_heap_size);
  const observer = new PerformanceObserver((list) => {
    // The observer runs just after the collection, before the program has allocated much.
    if (list.getEntries().some(isFullCollection)) live.set(getHeapStatistics().used_heap_size);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
