// Wires the parts into a running plugin: inventory → one kubelet endpoint per non-empty
// pool → topology publisher → ops server. Everything it starts, stop() stops.

import { type KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { Logger } from '../../common/log.ts';
import { serveOps } from '../../common/ops.ts';
import { describe } from './errors.ts';
import { Inventory } from './inventory/inventory.ts';
import { PoolEndpoint } from './kubelet/endpoint.ts';
import { PluginMetrics } from './ops/metrics.ts';
import type { PluginConfig } from './selection/config.ts';
import { discoverNuma } from './sysfs/numa.ts';
import { buildTopology, type TopologyPolicy } from './topology/nrt.ts';
import { TopologyPublisher } from './topology/publisher.ts';

export interface PluginOptions {
  config: PluginConfig;
  sysfsRoot: string;
  kubeletDir: string;
  nodeName: string;
  pollIntervalMs: number;
  /** undefined: no ops server. */
  metrics?: { host: string; port: number };
  /** undefined: topology is not published. */
  topology?: { kubeConfig: KubeConfig; policy: TopologyPolicy; resyncMs: number };
  logger: Logger;
}

export interface RunningPlugin {
  inventory: Inventory;
  endpoints: Map<string, PoolEndpoint>;
  metrics: PluginMetrics;
  publisher: TopologyPublisher | undefined;
  /** Address of the ops server, when one runs. */
  opsAddress: string | undefined;
  stop(): Promise<void>;
}

export async function startPlugin(options: PluginOptions): Promise<RunningPlugin> {
  const log = options.logger;
  const metrics = new PluginMetrics();
  const inventory = new Inventory(options.sysfsRoot, options.config, log);
  const endpoints = new Map<string, PoolEndpoint>();

  const numa = discoverNuma(options.sysfsRoot);
  for (const p of numa.problems) log.warn(describe(p));
  let publisher: TopologyPublisher | undefined;
  if (options.topology) {
    const { kubeConfig, policy } = options.topology;
    publisher = new TopologyPublisher(
      KubernetesObjectApi.makeApiClient(kubeConfig),
      () => buildTopology(options.nodeName, numa.nodes, inventory.snapshot.pools, policy),
      log,
      {
        published: () => metrics.topologyPublications.inc({ result: 'success' }),
        failed: () => metrics.topologyPublications.inc({ result: 'error' }),
      },
    );
  }

  const ensureEndpoint = async (resourceName: string) => {
    if (endpoints.has(resourceName) || (inventory.pool(resourceName)?.devices.length ?? 0) === 0) return;
    const endpoint = new PoolEndpoint({
      resourceName,
      kubeletDir: options.kubeletDir,
      pool: () => inventory.pool(resourceName),
      logger: log,
      watchIntervalMs: options.pollIntervalMs,
      hooks: {
        registered: (r) => metrics.registrations.inc({ resource: r }),
        allocated: (r, devices, seconds) => {
          metrics.allocations.inc({ resource: r });
          metrics.allocatedDevices.inc({ resource: r }, devices);
          metrics.allocateSeconds.observe({ resource: r }, seconds);
        },
        failed: (r, call, problems) => {
          for (const p of problems) metrics.refusals.inc({ resource: r, call, code: p.code });
        },
      },
    });
    endpoints.set(resourceName, endpoint);
    await endpoint.start();
  };

  inventory.refresh();
  metrics.observePools(inventory.snapshot.pools);
  for (const pool of inventory.snapshot.pools) await ensureEndpoint(pool.resourceName);
  // Subscribed after the first round, which the loop above has already served.
  inventory.onChange((changed, snapshot) => {
    metrics.observePools(snapshot.pools);
    for (const resourceName of changed) {
      const endpoint = endpoints.get(resourceName);
      if (endpoint) {
        log.info({ resource: resourceName }, 'devices changed');
        endpoint.notify();
      } else {
        void ensureEndpoint(resourceName);
      }
    }
    void publisher?.publish();
  });
  inventory.start(options.pollIntervalMs);
  if (publisher && options.topology) await publisher.start(options.topology.resyncMs);

  const publishing = publisher;
  const ops = options.metrics
    ? await serveOps(
        options.metrics.host,
        options.metrics.port,
        {
          livez: [],
          readyz: [
            {
              name: 'kubelet-registration',
              check: () => {
                const waiting = [...endpoints.values()].filter((e) => !e.ready).map((e) => e.resourceName);
                return waiting.length === 0
                  ? undefined
                  : `not registered with the kubelet: ${waiting.join(', ')}`;
              },
            },
            ...(publishing
              ? [
                  {
                    name: 'topology-published',
                    check: () => (publishing.healthy ? undefined : 'NodeResourceTopology not published'),
                  },
                ]
              : []),
          ],
          metrics: metrics.registry,
        },
        log,
      )
    : undefined;
  const opsAddress = ops && options.metrics ? `http://${options.metrics.host}:${ops.port}` : undefined;
  log.info(
    {
      node: options.nodeName,
      pools: inventory.snapshot.pools.map((p) => ({ resource: p.resourceName, devices: p.devices.length })),
      ops: opsAddress,
    },
    'device plugin started',
  );

  return {
    inventory,
    endpoints,
    metrics,
    publisher,
    opsAddress,
    async stop() {
      inventory.stop();
      publisher?.stop();
      await Promise.all([...endpoints.values()].map((e) => e.stop()));
      await ops?.close();
    },
  };
}
