// The operations endpoint: /healthz (200 when every non-empty pool is served and registered
// and the topology is published, 503 with the reasons otherwise) and /metrics.

import Fastify, { type FastifyInstance } from 'fastify';
import type { PluginMetrics } from './metrics.ts';

export interface HealthCheck {
  name: string;
  ok: () => boolean;
}

export function opsServer(metrics: PluginMetrics, checks: () => HealthCheck[]): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_request, reply) => {
    const results = checks().map((c) => ({ name: c.name, ok: c.ok() }));
    const failing = results.filter((r) => !r.ok).map((r) => r.name);
    return reply.code(failing.length === 0 ? 200 : 503).send({ ok: failing.length === 0, checks: results });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
  return app;
}
