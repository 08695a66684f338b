// End-to-end latency on the local platform: a ProjectService at 1 replica and a ScalingPolicy
// on a Prometheus gauge; the gauge jumps to 5× its target per replica and the time until the
// ProjectService's replicas read 5 is measured (scrape, query, decision and write included);
// then the gauge drops and the service is let back to 1 before the next run. Runs in a
// namespace of its own, deleted afterwards.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { API_VERSION, APPS_GROUP, SCALING_GROUP } from '../../common/names.ts';
import { prometheusUrl } from '../../platform/src/components/prometheus.ts';
import { layout } from '../../platform/src/layout.ts';
import { prometheusTarget } from '../../test/support/prometheus-target.ts';
import { kubeHttp } from '../kube-http.ts';
import { summarize } from '../report.ts';

const RUNS = Number(process.env.KUBEHPC_BENCH_SCALING_RUNS ?? 3);
const TIMEOUT_MS = 180_000;
/** The local platform runs the controllers with --scaling-period=5. */
const PERIOD_SECONDS = 5;

export type CrossingResult =
  | { skipped: string }
  | { periodSeconds: number; latencyMs: ReturnType<typeof summarize> };

export async function benchCrossing(): Promise<CrossingResult> {
  const l = layout();
  if (!existsSync(l.kubeconfig)) return { skipped: 'the local platform is not up (npm run up)' };
  try {
    const ready = await fetch(`${prometheusUrl(l)}/-/ready`);
    if (!ready.ok) return { skipped: `Prometheus not ready (HTTP ${ready.status})` };
  } catch {
    return { skipped: 'Prometheus of the local platform not reachable' };
  }
  const http = kubeHttp(l, 4);
  const ns = `bench-scaling-${randomBytes(3).toString('hex')}`;
  const target = await prometheusTarget(l, ns.replaceAll('-', '_'));
  const gauge = 'kubehpc_bench_load';
  const psPath = `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/${ns}/projectservices`;
  try {
    await http.must('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    await http.must('POST', psPath, {
      apiVersion: `${APPS_GROUP}/${API_VERSION}`,
      kind: 'ProjectService',
      metadata: { name: 'web' },
      spec: { image: 'registry.example/bench:1', replicas: 1 },
    });
    await http.must('POST', `/apis/${SCALING_GROUP}/${API_VERSION}/namespaces/${ns}/scalingpolicies`, {
      apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
      kind: 'ScalingPolicy',
      metadata: { name: 'load' },
      spec: {
        targetRef: { name: 'web' },
        minReplicas: 1,
        maxReplicas: 10,
        rules: [
          {
            name: 'load',
            prometheus: { query: `sum(${gauge}{owner="${target.owner}"})`, targetPerReplica: 10 },
          },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    });
    const replicas = async () =>
      ((await http.must('GET', `${psPath}/web`)).spec as { replicas: number }).replicas;
    const waitFor = async (want: number) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while ((await replicas()) !== want) {
        if (Date.now() > deadline)
          throw new Error(`replicas did not reach ${want} in ${TIMEOUT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return Date.now();
    };
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      target.set(gauge, 10);
      await waitFor(1);
      const crossed = Date.now();
      target.set(gauge, 50);
      samples.push((await waitFor(5)) - crossed);
      console.log(`  run ${run + 1}: ${((samples.at(-1) as number) / 1000).toFixed(1)} s`);
    }
    return { periodSeconds: PERIOD_SECONDS, latencyMs: summarize(samples) };
  } finally {
    await target.close();
    await http.call('DELETE', `/api/v1/namespaces/${ns}`);
    http.close();
  }
}
