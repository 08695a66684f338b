// GET of one ProjectService through the aggregator against GET of one built-in object (a
// ConfigMap) served by kube-apiserver itself, in the same namespace and run: sequential over
// one keep-alive connection (p50 ratio), then 16 concurrent clients each on a keep-alive
// connection of its own (requests/s ratio). The sides alternate in rounds, so load from the
// rest of the machine falls on all alike. A side may have clients of its own: the main run
// also asks the kubehpc API server directly, to split the aggregated time into ours and the
// aggregator's.

import type { KubeHttp } from '../kube-http.ts';
import { summarize } from '../report.ts';

export interface Side {
  name: string;
  path: string;
  /** Clients of its own (another server): one connection, and one per concurrent client. */
  clients?: { one: KubeHttp; many: KubeHttp };
}

async function sequential(http: KubeHttp, path: string, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await http.must('GET', path);
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Requests answered in `ms` by `clients` loops, each waiting for its answer before asking again. */
async function concurrent(http: KubeHttp, path: string, clients: number, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        await http.must('GET', path);
        done++;
      }
    }),
  );
  return done / (ms / 1000);
}

export async function getVersusBuiltin(
  one: KubeHttp,
  many: KubeHttp,
  sides: readonly Side[],
  options: { n: number; rounds: number; clients: number; ms: number },
) {
  const oneOf = (s: Side) => s.clients?.one ?? one;
  const manyOf = (s: Side) => s.clients?.many ?? many;
  const latency = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  const throughput = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  // Warm-up: connections, discovery and caches on both sides.
  for (const s of sides) await sequential(oneOf(s), s.path, 20);
  for (const s of sides) await concurrent(manyOf(s), s.path, options.clients, 300);
  for (let round = 0; round < options.rounds; round++) {
    for (const s of round % 2 === 0 ? sides : [...sides].reverse()) {
      latency.get(s.name)?.push(...(await sequential(oneOf(s), s.path, options.n / options.rounds)));
      throughput
        .get(s.name)
        ?.push(await concurrent(manyOf(s), s.path, options.clients, options.ms / options.rounds));
    }
  }
  const result: Record<string, unknown> = {};
  for (const s of sides) {
    const rates = throughput.get(s.name) ?? [];
    result[s.name] = {
      sequential: summarize(latency.get(s.name) ?? []),
      [`concurrent${options.clients}`]: {
        requestsPerSecond: Number((rates.reduce((a, b) => a + b, 0) / rates.length).toFixed(1)),
      },
    };
  }
  return result;
}
