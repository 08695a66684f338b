// `npm run bench -- scheduler-extender`: filter latency (500 and 5,000 node names, over
// HTTP), short-circuit vs exhaustive on a realistic mix, and kube-scheduler throughput on
// 1,000 kwok nodes with and without the extender in the path (on a platform of its own;
// KUBEHPC_BENCH_SKIP_CLUSTER=1 skips that part).

import { writeReport } from '../report.ts';
import { distinctPods, filterLatency, shortCircuitRatio } from './filter.ts';
import { schedulerThroughput } from './throughput.ts';

const results: Record<string, unknown> = {};
results.filterLatency = [await filterLatency(500, 500), await filterLatency(5000, 300)];
console.table(results.filterLatency);
results.shortCircuit = shortCircuitRatio(5000, 200);
console.table([results.shortCircuit]);
results.distinctPods = distinctPods(1000, 200);
console.table([results.distinctPods]);
if (process.env.KUBEHPC_BENCH_SKIP_CLUSTER !== '1') {
  results.schedulerThroughput = await schedulerThroughput({
    nodes: Number(process.env.KUBEHPC_BENCH_EXTENDER_NODES ?? 1000),
    pods: Number(process.env.KUBEHPC_BENCH_EXTENDER_PODS ?? 1000),
    variants: process.env.KUBEHPC_BENCH_EXTENDER_VARIANTS?.split(',').map((v) => v.trim()),
  });
  console.table(results.schedulerThroughput);
}
writeReport('scheduler-extender', results);
