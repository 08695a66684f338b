// The plugin's Prometheus metrics, on a registry of its own so tests can read them in
// isolation: devices per pool and health, allocations, refusals, registrations, topology
// publications.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from '../selection/pools.ts';

export class PluginMetrics {
  readonly registry = new Registry();
  readonly devices = new Gauge({
    name: 'kubehpc_sriov_devices',
    help: 'VFs in each pool, by health.',
    labelNames: ['resource', 'health'] as const,
    registers: [this.registry],
  });
  readonly allocations = new Counter({
    name: 'kubehpc_sriov_allocations_total',
    help: 'Allocate calls answered, per pool.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly allocatedDevices = new Counter({
    name: 'kubehpc_sriov_allocated_devices_total',
    help: 'VFs handed out by Allocate, per pool.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly allocateSeconds = new Histogram({
    name: 'kubehpc_sriov_allocate_duration_seconds',
    help: 'Time to answer one Allocate call.',
    labelNames: ['resource'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'kubehpc_sriov_request_errors_total',
    help: 'Kubelet requests refused, by call and error code.',
    labelNames: ['resource', 'call', 'code'] as const,
    registers: [this.registry],
  });
  readonly registrations = new Counter({
    name: 'kubehpc_sriov_registrations_total',
    help: 'Successful registrations with the kubelet, per pool.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly topologyPublications = new Counter({
    name: 'kubehpc_sriov_topology_publications_total',
    help: 'NodeResourceTopology writes, by result.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** Sets the device gauges from the current pools. */
  observePools(pools: Pool[]): void {
    this.devices.reset();
    for (const pool of pools) {
      const healthy = pool.devices.filter((d) => d.health === 'Healthy').length;
      this.devices.set({ resource: pool.resourceName, health: 'Healthy' }, healthy);
      this.devices.set({ resource: pool.resourceName, health: 'Unhealthy' }, pool.devices.length - healthy);
    }
  }
}
