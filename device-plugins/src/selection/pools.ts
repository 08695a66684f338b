// Pools: the VFs each configured resource offers. A VF joins the first pool whose selectors
// it matches, so overlapping pools never hand out one VF twice. Pure.

import { ERROR_CODES, type Problem, problem } from '../errors.ts';
import type { PhysicalFunction, VirtualFunction } from '../sysfs/model.ts';
import type { PluginConfig } from './config.ts';
import { matches } from './selectors.ts';

export type Health = 'Healthy' | 'Unhealthy';

export interface PoolDevice {
  vf: VirtualFunction;
  health: Health;
}

export interface Pool {
  resourceName: string;
  /** Devices in PF-address then VF-index order; IDs are VF PCI addresses. */
  devices: PoolDevice[];
}

/** A VF is healthy unless its PF's link is known to be down. */
export function healthOf(pf: PhysicalFunction): Health {
  return pf.link === 'down' ? 'Unhealthy' : 'Healthy';
}

export function assignPools(
  config: PluginConfig,
  pfs: PhysicalFunction[],
): { pools: Pool[]; warnings: Problem[] } {
  const pools: Pool[] = config.pools.map((p) => ({ resourceName: p.resourceName, devices: [] }));
  for (const pf of [...pfs].sort((a, b) => a.address.localeCompare(b.address))) {
    const health = healthOf(pf);
    for (const vf of pf.vfs) {
      const index = config.pools.findIndex((p) => matches(p.selectors, vf));
      if (index !== -1) pools[index]?.devices.push({ vf, health });
    }
  }
  const warnings = pools
    .map((pool, i) =>
      pool.devices.length > 0
        ? undefined
        : problem(
            ERROR_CODES.POOL_EMPTY,
            `selectors of ${pool.resourceName} match no VF; the pool is not registered`,
            `pools[${i}].selectors`,
          ),
    )
    .filter((w) => w !== undefined);
  return { pools, warnings };
}
