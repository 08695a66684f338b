// The controllers' Prometheus metrics, on their own registry (served by the process's
// /metrics): reconciles by result, errors, reconcile duration and work-queue depth, each
// labelled by controller so several controllers can share one process.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  reconciles: Counter<'controller' | 'result'>;
  errors: Counter<'controller' | 'reason'>;
  duration: Histogram<'controller'>;
  queueDepth: Gauge<'controller'>;
  leader: Gauge;
}

export function createMetrics(): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    reconciles: new Counter({
      name: 'kubehpc_controller_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue, error).',
      labelNames: ['controller', 'result'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'kubehpc_controller_reconcile_errors_total',
      help: 'Reconcile errors by controller and Kubernetes Status reason.',
      labelNames: ['controller', 'reason'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'kubehpc_controller_reconcile_duration_seconds',
      help: 'Time one reconcile took.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'kubehpc_controller_queue_depth',
      help: 'Keys waiting in the work queue.',
      labelNames: ['controller'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'kubehpc_controller_leader',
      help: '1 while this process holds the leader Lease.',
      registers: [registry],
    }),
  };
}
