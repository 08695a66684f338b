// The plugin's picture of the node: discovery results turned into pools, refreshed on a
// period because sysfs attributes (operstate, sriov_numvfs) do not support inotify. Tells
// listeners which pools changed, so only real changes reach the kubelet and the topology.

import type { Logger } from '../../../common/log.ts';
import { describe } from '../errors.ts';
import { fingerprint } from '../kubelet/devices.ts';
import type { PluginConfig } from '../selection/config.ts';
import { assignPools, type Pool } from '../selection/pools.ts';
import { discover } from '../sysfs/discovery.ts';
import type { PhysicalFunction } from '../sysfs/model.ts';

export interface Snapshot {
  pfs: PhysicalFunction[];
  pools: Pool[];
}

export type ChangeListener = (changed: string[], snapshot: Snapshot) => void;

export class Inventory {
  private readonly sysfsRoot: string;
  private readonly config: PluginConfig;
  private readonly log: Logger;
  private current: Snapshot = { pfs: [], pools: [] };
  private fingerprints = new Map<string, string>();
  private lastProblems = '';
  private readonly listeners = new Set<ChangeListener>();
  private timer: NodeJS.Timeout | undefined;

  constructor(sysfsRoot: string, config: PluginConfig, log: Logger) {
    this.sysfsRoot = sysfsRoot;
    this.config = config;
    this.log = log;
  }

  get snapshot(): Snapshot {
    return this.current;
  }

  pool(resourceName: string): Pool | undefined {
    return this.current.pools.find((p) => p.resourceName === resourceName);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Discovers again; returns the resource names whose device lists changed. */
  refresh(): string[] {
    const discovery = discover(this.sysfsRoot);
    const { pools, warnings } = assignPools(this.config, discovery.pfs);
    // Report a problem set once when it appears, not on every period.
    const problems = [...discovery.problems, ...warnings].map(describe).join('\n');
    if (problems !== this.lastProblems) {
      for (const line of problems.split('\n').filter((l) => l !== '')) this.log.warn(line);
      this.lastProblems = problems;
    }
    this.current = { pfs: discovery.pfs, pools };
    const changed: string[] = [];
    for (const pool of pools) {
      const print = fingerprint(pool);
      if (this.fingerprints.get(pool.resourceName) !== print) changed.push(pool.resourceName);
      this.fingerprints.set(pool.resourceName, print);
    }
    if (changed.length > 0) {
      for (const listener of this.listeners) listener(changed, this.current);
    }
    return changed;
  }

  start(periodMs: number): void {
    this.timer = setInterval(() => {
      try {
        this.refresh();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'discovery failed');
      }
    }, periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
