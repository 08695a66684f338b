// The kubelet's resource metrics (/metrics/resource, what metrics-server scrapes) report the
// CPU a real container burns, read through kube-apiserver's node proxy as a scraper would.

import t from 'tap';
import { eventually, kubectl, objects, testNamespace } from '../../support/cluster.ts';
import { podRunning, REAL_NODE_NAME, realNodeSkipReason, realPod } from './support.ts';

const skip = realNodeSkipReason();

/** The value of `metric{…pod="<pod>"…}` in the Prometheus text, or undefined. */
function sample(text: string, metric: string, namespace: string, pod: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    if (!line.includes(`namespace="${namespace}"`) || !line.includes(`pod="${pod}"`)) continue;
    const value = Number(
      line
        .slice(line.indexOf('}') + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const result = await kubectl(['get', '--raw', `/api/v1/nodes/${REAL_NODE_NAME}/proxy/metrics/resource`]);
  if (result.code !== 0) throw new Error(`scraping /metrics/resource: ${result.stderr}`);
  return result.stdout;
}

t.test('/metrics/resource reports the CPU a busy pod burns, and it grows', { skip }, async (t) => {
  const ns = await testNamespace(t, 'real-cpu');
  // Capped at a fifth of a core: the machine is shared.
  const pod = realPod(ns, 'burn', 'while :; do :; done', {
    resources: { limits: { cpu: '200m', memory: '32Mi' }, requests: { cpu: '200m', memory: '32Mi' } },
  });
  await objects().create(pod);
  await podRunning(ns, 'burn');
  const first = await eventually("the pod's CPU in /metrics/resource", async () => {
    const value = sample(await scrape(), 'pod_cpu_usage_seconds_total', ns, 'burn');
    return value !== undefined && value > 0.2 ? value : undefined;
  });
  const later = await eventually(
    "the pod's CPU to grow by a second",
    async () => {
      const value = sample(await scrape(), 'pod_cpu_usage_seconds_total', ns, 'burn');
      return value !== undefined && value > first + 1 ? value : undefined;
    },
    90_000,
  );
  t.ok(later > first + 1, `pod_cpu_usage_seconds_total grew from ${first} to ${later}`);
  const text = await scrape();
  t.ok((sample(text, 'container_cpu_usage_seconds_total', ns, 'burn') ?? 0) > 0, 'per container as well');
  t.ok((sample(text, 'pod_memory_working_set_bytes', ns, 'burn') ?? 0) > 0, 'and its memory');
});
