// kubehpc scheduler extender: flags, wiring (informers → node cache → engine → HTTP), and
// graceful shutdown. Run: node scheduler-extender/src/main.ts --kubeconfig=<file> --port=<n>

import { parseFlags, usageError } from '../../common/flags.ts';
import { loadClientNodeConfig } from '../../common/kube/clientnode.ts';
import { createLogger, LOG_LEVELS } from '../../common/log.ts';
import { startInformers } from './cache/informers.ts';
import { NodeCache } from './cache/node-cache.ts';
import { MODES, type Mode } from './engine/evaluate.ts';
import { Extender } from './engine/extender.ts';
import { buildServer } from './http/server.ts';
import { createMetrics } from './ops/metrics.ts';

const USAGE = `usage: node scheduler-extender/src/main.ts [flags]
  --kubeconfig=<file>          kubeconfig (default: $KUBECONFIG / ~/.kube/config, then in-cluster, as kubectl)
  --host=<addr>                listen address (default 0.0.0.0)
  --port=<n>                   listen port (default 10262)
  --mode=<m>                   short-circuit | exhaustive (default short-circuit)
  --reservation-ttl=<seconds>  how long a filter pass holds capacity unbound (default 30)
  --max-core-services=<n>      at most this many core services per node (default 2)
  --max-body-bytes=<n>         request body limit (default 8388608)
  --log-level=<level>          ${LOG_LEVELS.join(', ')} (default info)`;

const flags = parseFlags('scheduler-extender', USAGE, [
  'kubeconfig',
  'host',
  'port',
  'mode',
  'reservation-ttl',
  'max-core-services',
  'max-body-bytes',
  'log-level',
]);
const str = flags.string;
const log = createLogger({
  component: 'kubehpc-scheduler-extender',
  level: flags.oneOf('log-level', LOG_LEVELS, 'info'),
});
const mode: Mode = flags.oneOf('mode', MODES, 'short-circuit');
const port = flags.integer('port', 10262, 1);
const ttlSeconds = flags.integer('reservation-ttl', 30, 1);
const maxCoreServices = flags.integer('max-core-services', 2, 0);
const bodyLimitBytes = flags.integer('max-body-bytes', 8 * 1024 * 1024, 1024);

// kubectl's rules (common/kube), handed to client-node for the informers.
const kc = (() => {
  try {
    return loadClientNodeConfig({ kubeconfig: str('kubeconfig') });
  } catch (error) {
    return usageError('scheduler-extender', USAGE, (error as Error).message);
  }
})();

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
  logger: log,
});
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
