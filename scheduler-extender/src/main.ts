// kubehpc scheduler extender: flags, wiring (informers → node cache → engine → HTTP), and
// graceful shutdown. Run: node scheduler-extender/src/main.ts --kubeconfig=<file> --port=<n>

import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startInformers } from './cache/informers.ts';
import { NodeCache } from './cache/node-cache.ts';
import { MODES, type Mode } from './engine/evaluate.ts';
import { Extender } from './engine/extender.ts';
import { buildServer } from './http/server.ts';
import { createMetrics } from './ops/metrics.ts';

const USAGE = `usage: node scheduler-extender/src/main.ts [flags]
  --kubeconfig=<file>          kubeconfig (default: in-cluster, then $KUBECONFIG / ~/.kube/config)
  --host=<addr>                listen address (default 0.0.0.0)
  --port=<n>                   listen port (default 10262)
  --mode=<m>                   short-circuit | exhaustive (default short-circuit)
  --reservation-ttl=<seconds>  how long a filter pass holds capacity unbound (default 30)
  --max-core-services=<n>      at most this many core services per node (default 2)
  --max-body-bytes=<n>         request body limit (default 8388608)
  --log-level=<level>          fatal | error | warn | info | debug (default info)`;

function fatal(message: string): never {
  console.error(`scheduler-extender: ${message}\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fatal(`--${name} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

let flags: Record<string, string | boolean | undefined>;
try {
  flags = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      mode: { type: 'string' },
      'reservation-ttl': { type: 'string' },
      'max-core-services': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  }).values;
} catch (error) {
  fatal((error as Error).message);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const str = (name: string) => flags[name] as string | undefined;
const mode = (str('mode') ?? 'short-circuit') as Mode;
if (!MODES.includes(mode)) fatal(`--mode must be one of ${MODES.join(', ')}`);
const port = integer('port', str('port'), 10262, 1);
const ttlSeconds = integer('reservation-ttl', str('reservation-ttl'), 30, 1);
const maxCoreServices = integer('max-core-services', str('max-core-services'), 2, 0);
const bodyLimitBytes = integer('max-body-bytes', str('max-body-bytes'), 8 * 1024 * 1024, 1024);

const kc = new KubeConfig();
const kubeconfig = str('kubeconfig');
if (kubeconfig) kc.loadFromFile(kubeconfig);
else kc.loadFromDefault();

const metrics = createMetrics({ defaultMetrics: true });
const cache = new NodeCache({
  reservationTtlMs: ttlSeconds * 1000,
  events: {
    reservationsCreated: (n) => metrics.reservations.inc({ outcome: 'created' }, n),
    reservationsEnded: (outcome, n) => metrics.reservations.inc({ outcome }, n),
  },
});
const extender = new Extender(cache, { mode, maxCoreServices }, metrics);
let feed: Awaited<ReturnType<typeof startInformers>> | undefined;
const app = buildServer({
  extender,
  metrics,
  ready: () => feed?.synced() ?? false,
  bodyLimitBytes,
  logger: { level: str('log-level') ?? 'info' },
});
const log = app.log;
feed = await startInformers(kc, cache, log);
const sweeper = setInterval(() => cache.expireReservations(), 5000);
sweeper.unref();
await app.listen({ host: str('host') ?? '0.0.0.0', port });
log.info({ mode, port, ttlSeconds, maxCoreServices }, 'scheduler extender serving');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    void Promise.allSettled([app.close(), feed?.stop()]).then(() => process.exit(0));
  });
}
