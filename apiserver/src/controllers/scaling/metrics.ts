// The scaling controller's Prometheus metrics, on the controllers' registry: decisions by
// direction and reason, evaluation latency per service, metric fetch latency and errors per
// source.

import { Counter, Histogram, type Registry } from 'prom-client';

export interface ScalingMetrics {
  decisions: Counter<'direction' | 'reason'>;
  evaluation: Histogram;
  fetch: Histogram<'source'>;
  fetchErrors: Counter<'source'>;
}

export function createScalingMetrics(registry: Registry): ScalingMetrics {
  return {
    decisions: new Counter({
      name: 'kubehpc_scaling_decisions_total',
      help: 'Scaling decisions by direction (up, down, none) and reason (the last clamp, Rules or Held).',
      labelNames: ['direction', 'reason'],
      registers: [registry],
    }),
    evaluation: new Histogram({
      name: 'kubehpc_scaling_evaluation_duration_seconds',
      help: "Time to evaluate one service's policies: observe, decide and act.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    fetch: new Histogram({
      name: 'kubehpc_scaling_metric_fetch_duration_seconds',
      help: 'Time one metric fetch took, by source (metrics.k8s.io, prometheus).',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    fetchErrors: new Counter({
      name: 'kubehpc_scaling_metric_fetch_errors_total',
      help: 'Failed metric fetches by source.',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}
