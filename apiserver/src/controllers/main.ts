// Entry point of the kubehpc controllers: flags, a kubeconfig identity, leader election over a
// Lease (only the leader runs the controllers), and the operations endpoints. Losing
// leadership stops the controllers (their workers write nothing more) and the process stands
// by for the next term, since the local platform does not restart it. The controllers it
// runs are the list below, as registry/served.ts lists the kinds the API server serves.
// Run: node apiserver/src/controllers/main.ts --kubeconfig=<file> --metrics-port=<n>

import { availableParallelism, hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../../common/controller/leader.ts';
import { type ControllerMetrics, createMetrics } from '../../../common/controller/metrics.ts';
import type { Controller } from '../../../common/controller/runtime.ts';
import { parseFlags, usageError } from '../../../common/flags.ts';
import { type KubeClient, kubeClient } from '../../../common/kube/client.ts';
import { clientNodeConfig } from '../../../common/kube/clientnode.ts';
import { loadRestConfig, type RestConfig } from '../../../common/kube/kubeconfig.ts';
import { createLogger, LOG_LEVELS, type Logger } from '../../../common/log.ts';
import { SYSTEM_NAMESPACE } from '../../../common/names.ts';
import { serveOps } from '../../../common/ops.ts';
import { EventRecorder } from './events.ts';
import { ProjectServiceController } from './projectservice/controller.ts';
import { FIELD_MANAGER } from './projectservice/identity.ts';
import { ScalingController } from './scaling/controller.ts';
import { createScalingMetrics } from './scaling/metrics.ts';
import { httpPrometheus } from './scaling/sources/prometheus.ts';
import { allowedAddresses } from './scaling/sources/prometheus-address.ts';

const PROGRAM = 'kubehpc-controllers';
/** A child request that has not answered by then is retried by the work queue. */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Reconciles wait on the API far more than they compute: several per core keep a burst
 * moving (a hundred services at once) without the queue holding them back.
 */
const DEFAULT_WORKERS = Math.max(4, 8 * availableParallelism());
const USAGE = `usage: node apiserver/src/controllers/main.ts [flags]
  --kubeconfig=<file>          kubeconfig (default: $KUBECONFIG / ~/.kube/config, then in-cluster, as kubectl)
  --bind-address=<addr>        address of /livez, /readyz, /healthz and /metrics (default 0.0.0.0)
  --metrics-port=<n>           port of /livez, /readyz, /healthz and /metrics (default 10263)
  --leader-elect=true|false    run only while holding the Lease (default true)
  --lease-namespace=<ns>       namespace of the Lease kubehpc-controllers (default ${SYSTEM_NAMESPACE})
  --workers=<n>                concurrent reconciles per controller (default 8 per CPU, at least 4: ${DEFAULT_WORKERS} here)
  --log-level=<level>          ${LOG_LEVELS.join(', ')} (default info)
  --prometheus-url=<url>       Prometheus HTTP API of ScalingPolicy queries without their own address
  --prometheus-allowed-urls=<url,...>
                               the only addresses a ScalingPolicy's spec.prometheusAddress may name
                               (default: --prometheus-url alone); others fail the rule, unfetched
  --scaling-period=<seconds>   how often every ScalingPolicy is evaluated (default 15)`;

const LEASE_NAME = 'kubehpc-controllers';
const LEASE_DURATION_SECONDS = 15;
const RETRY_PERIOD_MS = 5000;

/** What every controller is built from. */
export interface ControllerDeps {
  kc: KubeConfig;
  /** Plain-JSON client (common/kube) on the same kubeconfig, for what must not pass client-node's serializer. */
  kube: KubeClient;
  workers: number;
  metrics: ControllerMetrics;
  log: Logger;
  events: EventRecorder;
}

/** The controllers this program runs, each made afresh for every leadership term. */
const CONTROLLERS: Array<(deps: ControllerDeps) => Controller> = [
  (d) => new ProjectServiceController(d.kc, d),
  (d) =>
    new ScalingController(d.kc, {
      ...d,
      periodMs: scalingPeriodMs,
      prometheusUrl: str('prometheus-url'),
      prometheusAllowed,
      prometheus: httpPrometheus(),
      scaling: scalingMetrics,
    }),
];

const flags = parseFlags(PROGRAM, USAGE, [
  'kubeconfig',
  'bind-address',
  'metrics-port',
  'leader-elect',
  'lease-namespace',
  'workers',
  'log-level',
  'prometheus-url',
  'prometheus-allowed-urls',
  'scaling-period',
]);
const str = flags.string;
const log = createLogger({ component: PROGRAM, level: flags.oneOf('log-level', LOG_LEVELS, 'info') });
const leaderElect = flags.oneOf('leader-elect', ['true', 'false'], 'true');
const port = flags.integer('metrics-port', 10263, 1);
const workers = flags.integer('workers', DEFAULT_WORKERS, 1);
const scalingPeriodMs = flags.integer('scaling-period', 15, 1) * 1000;
const prometheusAllowed = (() => {
  try {
    return allowedAddresses(str('prometheus-allowed-urls'), str('prometheus-url'));
  } catch (error) {
    return usageError(PROGRAM, USAGE, `--prometheus-allowed-urls: ${(error as Error).message}`);
  }
})();
const identity = `${hostname()}_${process.pid}`;

// kubectl's rules (common/kube): our plain-JSON client for the children, and the same
// configuration handed to client-node for the informers and the Lease.
const rest: RestConfig = (() => {
  try {
    return loadRestConfig({ kubeconfig: str('kubeconfig') });
  } catch (error) {
    return usageError(PROGRAM, USAGE, (error as Error).message);
  }
})();
const kc = clientNodeConfig(rest);
const kube = await kubeClient(rest, REQUEST_TIMEOUT_MS, 'kubehpc-controllers');

const metrics = createMetrics();
const scalingMetrics = createScalingMetrics(metrics.registry);
const deps: ControllerDeps = {
  kc,
  kube,
  workers,
  metrics,
  log,
  events: new EventRecorder(kc, FIELD_MANAGER, hostname(), log),
};
/** The controllers of the current leadership term; a new term starts them afresh. */
let running: Controller[] = [];

async function startControllers(): Promise<void> {
  metrics.leader.set(1);
  const term = CONTROLLERS.map((make) => make(deps));
  running = term;
  await Promise.all(term.map((c) => c.start()));
  log.info({ identity, controllers: term.map((c) => c.name) }, 'controllers started');
}

async function stopControllers(): Promise<void> {
  metrics.leader.set(0);
  const term = running;
  running = [];
  await Promise.all(term.map((c) => c.stop()));
}

const elector =
  leaderElect === 'true'
    ? new LeaderElector(kc, {
        namespace: str('lease-namespace') ?? SYSTEM_NAMESPACE,
        name: LEASE_NAME,
        identity,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        retryPeriodMs: RETRY_PERIOD_MS,
        onStartedLeading: () => {
          startControllers().catch((error: unknown) => {
            log.fatal({ err: String(error) }, 'controllers failed to start');
            process.exit(1);
          });
        },
        onStoppedLeading: () => {
          log.warn('leadership lost; stopping the controllers and standing by');
          void stopControllers();
        },
        log,
      })
    : undefined;

const ops = await serveOps(
  str('bind-address') ?? '0.0.0.0',
  port,
  {
    livez: [],
    readyz: [
      {
        // A standby is ready (it serves as a standby); a leader once its caches have synced.
        name: 'informers-synced',
        check: () => {
          const leading = elector ? elector.leading : true;
          if (!leading) return undefined;
          const waiting = running.filter((c) => !c.synced()).map((c) => c.name);
          if (running.length === 0) return 'controllers not started yet';
          return waiting.length === 0 ? undefined : `caches not synced: ${waiting.join(', ')}`;
        },
      },
    ],
    metrics: metrics.registry,
  },
  log,
);

if (elector) elector.start();
else await startControllers();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await stopControllers();
  await elector?.stop();
  await ops.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
