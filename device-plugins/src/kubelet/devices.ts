// A pool as the kubelet sees it: Device messages with health and NUMA topology. Pure.

import type { Pool } from '../selection/pools.ts';
import type { Device } from './proto.ts';

export function kubeletDevices(pool: Pool): Device[] {
  return pool.devices.map((d) => ({
    ID: d.vf.address,
    health: d.health,
    topology: d.vf.numaNode >= 0 ? { nodes: [{ ID: d.vf.numaNode }] } : null,
  }));
}

/** A stable fingerprint of what ListAndWatch would send, to push only real changes. */
export function fingerprint(pool: Pool): string {
  return pool.devices.map((d) => `${d.vf.address}/${d.health}/${d.vf.numaNode}`).join(',');
}
