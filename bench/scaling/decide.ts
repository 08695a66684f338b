// The scaling decision alone, at scale: 10,000 policies (one per service, each with a CPU rule
// over 4 pods, a Prometheus rule and a schedule window, a quarter with a capacity guard over
// 50 nodes) decided period after period with their memory carried over, as the controller
// does. No platform: this is the pure core's cost per period.

import { EMPTY_MEMORY, type PolicyMemory } from '../../apiserver/src/controllers/scaling/behavior.ts';
import type {
  CapacityView,
  PodState,
  RuleObservation,
} from '../../apiserver/src/controllers/scaling/observations.ts';
import type { PolicyInput } from '../../apiserver/src/controllers/scaling/policy.ts';
import { decideService } from '../../apiserver/src/controllers/scaling/service.ts';
import type { ScalingPolicySpec } from '../../common/apis/scaling/v1alpha1/types.ts';
import { summarize } from '../report.ts';

const PERIOD_MS = 15_000;

function pods(service: number, nowMs: number): PodState[] {
  return [0, 1, 2, 3].map((i) => ({
    name: `s${service}-p${i}`,
    phase: 'Running',
    deleting: false,
    ready: true,
    readyTransitionMs: nowMs - 3_600_000,
    startMs: nowMs - 3_700_000,
    requests: { cpu: 0.5, memory: 2 ** 30 },
  }));
}

const capacity: CapacityView = {
  domains: Array.from({ length: 50 }, (_, i) => ({
    name: `node-${i}`,
    allocatable: new Map([
      ['cpu', 32],
      ['memory', 128 * 2 ** 30],
    ]),
    requested: new Map([
      ['cpu', 16 + (i % 8)],
      ['memory', 64 * 2 ** 30],
    ]),
  })),
  perReplica: new Map([
    ['cpu', 0.5],
    ['memory', 2 ** 30],
  ]),
};

function spec(i: number): ScalingPolicySpec {
  return {
    targetRef: { name: `s${i}` },
    minReplicas: 2,
    maxReplicas: 50,
    rules: [
      { name: 'cpu', resource: { name: 'cpu', targetUtilization: 70 } },
      {
        name: 'qps',
        prometheus: { query: `sum(rate(http_requests_total{service="s${i}"}[1m]))`, targetPerReplica: 100 },
      },
      {
        name: 'peak',
        schedule: { cron: `${i % 60} 8 * * 1-5`, timeZone: 'Asia/Shanghai', duration: '2h', replicas: 6 },
      },
    ],
    ...(i % 4 === 0 ? { capacityGuard: { maxUtilizationPercent: 80, action: 'Cap' as const } } : {}),
  };
}

export interface DecideResult {
  policies: number;
  periods: number;
  periodMs: ReturnType<typeof summarize>;
  perPolicyMicros: number;
}

export function benchDecide(policies = 10_000, periods = 20): DecideResult {
  const specs = Array.from({ length: policies }, (_, i) => spec(i));
  const memory: PolicyMemory[] = specs.map(() => EMPTY_MEMORY);
  const replicas = specs.map(() => 4);
  const times: number[] = [];
  let nowMs = Date.parse('2026-06-01T00:30:00Z');
  for (let period = 0; period < periods; period++) {
    nowMs += PERIOD_MS;
    // Observations are built outside the timed section: the sources' cost is not the decision's.
    const inputs = specs.map((s, i): PolicyInput => {
      const load = 0.3 + ((i * 7 + period * 13) % 10) / 10;
      const podStates = pods(i, nowMs);
      const observations = new Map<string, RuleObservation>([
        [
          'cpu',
          {
            kind: 'resource',
            pods: podStates,
            usage: new Map(
              podStates.map((p) => [
                p.name,
                { value: 0.5 * load, timestampMs: nowMs - 5000, windowMs: 30_000 },
              ]),
            ),
          },
        ],
        ['qps', { kind: 'prometheus', value: 100 * (replicas[i] as number) * load }],
      ]);
      return { name: `p${i}`, spec: s, observations, memory: memory[i] as PolicyMemory, capacity };
    });
    const start = performance.now();
    for (const [i, input] of inputs.entries()) {
      const d = decideService([input], replicas[i] as number, nowMs, `b-${period}-${i}`);
      memory[i] = d.outcomes[0]?.memory ?? EMPTY_MEMORY;
      replicas[i] = d.to;
    }
    times.push(performance.now() - start);
  }
  const summary = summarize(times);
  return { policies, periods, periodMs: summary, perPolicyMicros: (summary.p50 * 1000) / policies };
}
