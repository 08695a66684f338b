// The operations endpoints every kubehpc program serves, answered one way: `/livez` and
// `/readyz` from named checks in kube-apiserver's format (`ok`, or `[+]name ok` /
// `[-]name failed: reason` lines with `?verbose` or on failure, closing with
// `<path> check passed|failed`), `/healthz` as liveness (what probes of old ask), and `/metrics` from a
// prom-client registry. `healthAnswer` decides; `registerOps` puts the routes on a fastify
// app a program already serves; `serveOps` starts a server with nothing else on it.

import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from './log.ts';

/** One named check: undefined when healthy, otherwise why not. */
export interface HealthCheck {
  name: string;
  check: () => string | undefined | Promise<string | undefined>;
}

export interface OpsEndpoints {
  /** The process works at all (a failure means: restart it). */
  livez: HealthCheck[];
  /** The process can do its job now (a failure means: send it no work yet). */
  readyz: HealthCheck[];
  // biome-ignore lint/suspicious/noExplicitAny: prom-client registries differ only in their content-type parameter
  metrics?: Registry<any>;
  /** Brings gauges up to date right before a scrape. */
  beforeScrape?: () => void;
}

export interface HealthAnswer {
  status: 200 | 503;
  body: string;
}

export interface CheckResult {
  name: string;
  /** Undefined when the check passed. */
  failure: string | undefined;
}

/** The answer to /livez or /readyz given each check's result. Pure. */
export function healthAnswer(
  path: 'livez' | 'readyz',
  results: CheckResult[],
  verbose: boolean,
): HealthAnswer {
  const failed = results.some((r) => r.failure !== undefined);
  if (!failed && !verbose) return { status: 200, body: 'ok' };
  const lines = results.map((r) =>
    r.failure === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.failure}`,
  );
  lines.push(`${path} check ${failed ? 'failed' : 'passed'}`);
  return { status: failed ? 503 : 200, body: `${lines.join('\n')}\n` };
}

/** Runs the checks; a check that throws has failed with its message. */
export async function runChecks(checks: HealthCheck[]): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, failure: await c.check() };
      } catch (error) {
        return { name: c.name, failure: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/** Adds /livez, /readyz, /healthz and /metrics to a fastify app. */
export function registerOps(app: FastifyInstance, endpoints: OpsEndpoints): void {
  const health = (path: 'livez' | 'readyz', checks: HealthCheck[]) => async (request: { query: unknown }) => {
    const query = request.query as Record<string, unknown> | undefined;
    const verbose = query !== undefined && Object.hasOwn(query, 'verbose');
    return healthAnswer(path, await runChecks(checks), verbose);
  };
  const send =
    (answer: (request: { query: unknown }) => Promise<HealthAnswer>) =>
    async (request: { query: unknown }, reply: FastifyReply) => {
      const { status, body } = await answer(request);
      return reply.code(status).type('text/plain; charset=utf-8').send(body);
    };
  app.get('/livez', send(health('livez', endpoints.livez)));
  app.get('/readyz', send(health('readyz', endpoints.readyz)));
  app.get('/healthz', send(health('livez', endpoints.livez)));
  const registry = endpoints.metrics;
  if (registry) {
    app.get('/metrics', async (_request, reply) => {
      endpoints.beforeScrape?.();
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  }
}

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves only the operations endpoints on host:port (port 0: any free port). */
export async function serveOps(
  host: string,
  port: number,
  endpoints: OpsEndpoints,
  log: Logger,
): Promise<OpsServer> {
  const app = Fastify({ logger: false });
  registerOps(app, endpoints);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  log.info({ address: `${host}:${bound}` }, 'serving /livez, /readyz, /healthz and /metrics');
  return { port: bound, close: () => app.close() };
}
