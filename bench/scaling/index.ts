// `npm run bench -- scaling`: how long deciding 10,000 ScalingPolicies takes per period (the
// pure decision, no platform; goal: well under 200 ms), and — when the local platform is up —
// the end-to-end latency from a Prometheus metric crossing its target to the new replica
// count written on the ProjectService (goal: within one evaluation period).

import { writeReport } from '../report.ts';
import { benchCrossing } from './crossing.ts';
import { benchDecide } from './decide.ts';

const decide = benchDecide();
console.log(
  `decide: ${decide.policies} policies per period: p50 ${decide.periodMs.p50.toFixed(1)} ms, p99 ${decide.periodMs.p99.toFixed(1)} ms, ${decide.perPolicyMicros.toFixed(1)} µs per policy (${decide.periods} periods)`,
);
const crossing = await benchCrossing();
if ('skipped' in crossing) console.log(`crossing: skipped (${crossing.skipped})`);
else {
  console.log(
    `crossing: metric above target → replicas written: p50 ${(crossing.latencyMs.p50 / 1000).toFixed(1)} s, max ${(crossing.latencyMs.max / 1000).toFixed(1)} s over ${crossing.latencyMs.n} runs (period ${crossing.periodSeconds} s)`,
  );
}
writeReport('scaling', { decide, crossing });
