// Prometheus metrics of the extender (prom-client, its own registry): per-predicate
// evaluations and failures, filter and prioritize latency, reservations, cache size,
// equivalence-cache hits, node views reused from the filter.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Sub-millisecond resolution: a filter over thousands of nodes should take a few ms. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface ExtenderMetrics {
  registry: Registry;
  predicateEvaluations: Counter<'predicate'>;
  predicateFailures: Counter<'predicate'>;
  requestDuration: Histogram<'verb'>;
  requests: Counter<'verb' | 'code'>;
  nodesFiltered: Counter<'result'>;
  reservationsActive: Gauge;
  reservations: Counter<'outcome'>;
  cacheNodes: Gauge;
  equivalenceNodes: Counter<'result'>;
  nodesNarrowed: Counter;
  viewsReused: Counter;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ExtenderMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    predicateEvaluations: new Counter({
      name: 'kubehpc_extender_predicate_evaluations_total',
      help: 'Predicate evaluations (one per node and predicate actually evaluated).',
      labelNames: ['predicate'],
      registers,
    }),
    predicateFailures: new Counter({
      name: 'kubehpc_extender_predicate_failures_total',
      help: 'Predicate evaluations that failed the node.',
      labelNames: ['predicate'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'kubehpc_extender_request_duration_seconds',
      help: 'Time to answer a filter or prioritize call, body parsing excluded.',
      labelNames: ['verb'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    requests: new Counter({
      name: 'kubehpc_extender_requests_total',
      help: 'Extender calls by verb and HTTP status code.',
      labelNames: ['verb', 'code'],
      registers,
    }),
    nodesFiltered: new Counter({
      name: 'kubehpc_extender_filtered_nodes_total',
      help: 'Nodes answered by filter, by result (passed, failed, unresolvable).',
      labelNames: ['result'],
      registers,
    }),
    reservationsActive: new Gauge({
      name: 'kubehpc_extender_reservations',
      help: 'Pods currently holding reservations.',
      registers,
    }),
    reservations: new Counter({
      name: 'kubehpc_extender_reservation_events_total',
      help: 'Reservations created and ended (bound, deleted, expired).',
      labelNames: ['outcome'],
      registers,
    }),
    cacheNodes: new Gauge({
      name: 'kubehpc_extender_cache_nodes',
      help: 'Nodes in the extender cache.',
      registers,
    }),
    equivalenceNodes: new Counter({
      name: 'kubehpc_extender_equivalence_nodes_total',
      help: 'Filtered nodes answered from the equivalence cache (hit) or evaluated (miss).',
      labelNames: ['result'],
      registers,
    }),
    nodesNarrowed: new Counter({
      name: 'kubehpc_extender_nodes_narrowed_total',
      help: 'Passing nodes a single-round-trip filter left out because another node scored better.',
      registers,
    }),
    viewsReused: new Counter({
      name: 'kubehpc_extender_views_reused_total',
      help: 'Nodes prioritize scored on the view the filter of the same pod read (the node unchanged since).',
      registers,
    }),
  };
}
