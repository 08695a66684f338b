// Entry point of the kubehpc controllers: flags, a kubeconfig identity, leader election over a
// Lease (only the leader runs the controllers), and an HTTP endpoint with /healthz, /readyz
// and /metrics. Losing leadership stops the controllers (their workers write nothing more)
// and the process stands by for the next term, since the local platform does not restart it.
// Run: node apiserver/src/controllers/main.ts --kubeconfig=<file> --metrics-port=<n>

import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { parseFlags } from '../../../common/flags.ts';
import { SYSTEM_NAMESPACE } from '../../../common/names.ts';
import { EventRecorder } from './events.ts';
import { LeaderElector } from './leader.ts';
import { createMetrics } from './metrics.ts';
import { ProjectServiceController } from './projectservice/controller.ts';
import { FIELD_MANAGER } from './projectservice/identity.ts';
import { ScalingController } from './scaling/controller.ts';
import { createScalingMetrics } from './scaling/metrics.ts';
import { httpPrometheus } from './scaling/sources/prometheus.ts';

const USAGE = `usage: node apiserver/src/controllers/main.ts [flags]
  --kubeconfig=<file>          kubeconfig (default: in-cluster, then $KUBECONFIG / ~/.kube/config)
  --bind-address=<addr>        address of /healthz, /readyz and /metrics (default 0.0.0.0)
  --metrics-port=<n>           port of /healthz, /readyz and /metrics (default 10263)
  --leader-elect=true|false    run only while holding the Lease (default true)
  --lease-namespace=<ns>       namespace of the Lease kubehpc-controllers (default ${SYSTEM_NAMESPACE})
  --workers=<n>                concurrent reconciles (default 4)
  --prometheus-url=<url>       Prometheus HTTP API of ScalingPolicy queries without their own address
  --scaling-period=<seconds>   how often every ScalingPolicy is evaluated (default 15)`;

const LEASE_NAME = 'kubehpc-controllers';
const LEASE_DURATION_SECONDS = 15;
const RETRY_PERIOD_MS = 5000;

function log(level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra })}\n`);
}

const flags = parseFlags('kubehpc-controllers', USAGE, [
  'kubeconfig',
  'bind-address',
  'metrics-port',
  'leader-elect',
  'lease-namespace',
  'workers',
  'prometheus-url',
  'scaling-period',
]);
const str = flags.string;
const leaderElect = flags.oneOf('leader-elect', ['true', 'false'], 'true');
const port = flags.integer('metrics-port', 10263, 1);
const workers = flags.integer('workers', 4, 1);
const scalingPeriodMs = flags.integer('scaling-period', 15, 1) * 1000;
const identity = `${hostname()}_${process.pid}`;

const kc = new KubeConfig();
const kubeconfig = str('kubeconfig');
if (kubeconfig) kc.loadFromFile(kubeconfig);
else kc.loadFromDefault();

const metrics = createMetrics();
const scalingMetrics = createScalingMetrics(metrics.registry);
const events = new EventRecorder(kc, FIELD_MANAGER, hostname(), (msg, extra) => log('warn', msg, extra));
/** The controllers of the current leadership term; a new term starts them afresh. */
let controller: ProjectServiceController | undefined;
let scaling: ScalingController | undefined;

async function startControllers(): Promise<void> {
  metrics.leader.set(1);
  const term = new ProjectServiceController(kc, { workers, metrics, log, events });
  controller = term;
  scaling = new ScalingController(kc, {
    workers,
    periodMs: scalingPeriodMs,
    prometheusUrl: str('prometheus-url'),
    prometheus: httpPrometheus(),
    events,
    metrics,
    scaling: scalingMetrics,
    log,
  });
  await Promise.all([term.start(), scaling.start()]);
  log('info', 'controllers started', { identity });
}

async function stopControllers(): Promise<void> {
  metrics.leader.set(0);
  const term = controller;
  controller = undefined;
  const scalingTerm = scaling;
  scaling = undefined;
  await Promise.all([term?.stop(), scalingTerm?.stop()]);
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
            log('error', 'controllers failed to start', { error: String(error) });
            process.exit(1);
          });
        },
        onStoppedLeading: () => {
          log('warn', 'leadership lost; stopping the controllers and standing by');
          void stopControllers();
        },
        log: (msg, extra) => log('info', msg, extra),
      })
    : undefined;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz' || path === '/livez') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else if (path === '/readyz') {
    // A standby is ready (it serves as a standby); a leader once its caches have synced.
    const leading = elector ? elector.leading : true;
    const ready = !leading || ((controller?.synced() ?? false) && (scaling?.synced() ?? false));
    res
      .writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' })
      .end(ready ? 'ok' : 'caches not synced');
  } else if (path === '/metrics') {
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  } else {
    res.writeHead(404).end('not found');
  }
});
server.listen(port, str('bind-address') ?? '0.0.0.0', () => log('info', 'serving', { port, identity }));

if (elector) elector.start();
else await startControllers();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('info', 'shutting down', { signal });
  await stopControllers();
  await elector?.stop();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
