// In-process extender numbers: filter latency over real HTTP (the path kube-scheduler takes,
// client decoding included) and the extender's own work per call (decode, filter, encode)
// for 500 and 5,000 node names, and short-circuit against exhaustive evaluation of the same
// predicates on the same realistic mix.

import { podDemand } from '../../common/nodes/demand.ts';
import { filterNodes } from '../../scheduler-extender/src/engine/evaluate.ts';
import { Extender } from '../../scheduler-extender/src/engine/extender.ts';
import { buildServer } from '../../scheduler-extender/src/http/server.ts';
import { createMetrics } from '../../scheduler-extender/src/ops/metrics.ts';
import { filterResultJson, parseArgs } from '../../scheduler-extender/src/wire/args.ts';
import type { ExtenderArgs } from '../../scheduler-extender/src/wire/types.ts';
import { summarize } from '../report.ts';
import { benchPod, syntheticCluster } from './synthetic.ts';

const round = (n: number) => Number(n.toFixed(3));

export async function filterLatency(nodeCount: number, requests: number) {
  const { cache, names } = syntheticCluster(nodeCount);
  const metrics = createMetrics();
  const app = buildServer({
    extender: new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 }, metrics),
    metrics,
    ready: () => true,
    bodyLimitBytes: 16 * 1024 * 1024,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const wire: ExtenderArgs = { Pod: benchPod('p'), Nodes: null, NodeNames: names };
  const body = JSON.stringify(wire);
  const send = async () => {
    const res = await fetch(`${address}/filter`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    return (await res.json()) as { NodeNames: string[] };
  };
  let passed = 0;
  for (let i = 0; i < 50; i++) passed = (await send()).NodeNames.length; // warm-up, learns the order
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    await send();
    samples.push(performance.now() - started);
  }
  await app.close();
  // The extender's own work per call, without the HTTP client: decode, filter, encode.
  const extender = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 });
  const work: number[] = [];
  let responseBytes = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const args = parseArgs(JSON.parse(body));
    const out = extender.filter(args);
    responseBytes = filterResultJson(args, out.passed, out.failed, out.unresolvable).length;
    work.push(performance.now() - started);
  }
  const s = summarize(samples);
  const w = summarize(work);
  return {
    nodes: nodeCount,
    passed,
    requests,
    httpP50Ms: round(s.p50),
    httpP99Ms: round(s.p99),
    serverP50Ms: round(w.p50),
    serverP99Ms: round(w.p99),
    responseKiB: Math.round(responseBytes / 1024),
  };
}

export function shortCircuitRatio(nodeCount: number, rounds: number) {
  const { cache, names } = syntheticCluster(nodeCount);
  const extender = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 });
  const pod = benchPod('p');
  const args = { pod, nodeNames: names, nodes: undefined };
  for (let i = 0; i < 20; i++) extender.filter(args); // learn selectivity
  const order = extender.order();
  const demand = podDemand(pod);
  const lookup = (name: string) => cache.view(name, demand.uid);
  const time = (mode: 'short-circuit' | 'exhaustive') => {
    const samples: number[] = [];
    let evaluations = 0;
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const out = filterNodes(demand, names, lookup, order, mode);
      samples.push(performance.now() - started);
      evaluations = [...out.counts.values()].reduce((sum, c) => sum + c.evaluations, 0);
    }
    return { ...summarize(samples), evaluations };
  };
  time('exhaustive'); // warm both paths before measuring
  time('short-circuit');
  const exhaustive = time('exhaustive');
  const short = time('short-circuit');
  return {
    nodes: nodeCount,
    order: order.map((p) => p.name),
    shortCircuitMeanMs: round(short.mean),
    exhaustiveMeanMs: round(exhaustive.mean),
    shortCircuitEvaluations: short.evaluations,
    exhaustiveEvaluations: exhaustive.evaluations,
    shortCircuitFasterBy: `${((1 - short.mean / exhaustive.mean) * 100).toFixed(0)}%`,
  };
}

/**
 * The extender's own work for a burst of distinct pods of one shape (replicas of one service),
 * each filtered once over the same names and holding capacity on the nodes it passes, as in a
 * kube-scheduler drain: the first pod's time, and the median of the rest with how many node
 * verdicts came from the equivalence cache.
 */
export function distinctPods(nodeCount: number, pods: number) {
  const { cache, names } = syntheticCluster(nodeCount);
  const extender = new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 });
  const times: number[] = [];
  let cached = 0;
  for (let i = 0; i < pods; i++) {
    const args = parseArgs({ Pod: benchPod(`burst-${i}`), Nodes: null, NodeNames: names });
    const started = performance.now();
    const out = extender.filter(args);
    times.push(performance.now() - started);
    if (i > 0) cached += out.remembered;
  }
  const rest = summarize(times.slice(1));
  return {
    nodes: nodeCount,
    pods,
    firstPodMs: round(times[0] ?? Number.NaN),
    laterPodsP50Ms: round(rest.p50),
    laterPodsP99Ms: round(rest.p99),
    cachedVerdictShare: round(cached / Math.max(1, (pods - 1) * nodeCount)),
  };
}
