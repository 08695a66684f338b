import t from 'tap';
import type { PodState, UsageSample } from '../../../../../apiserver/src/controllers/scaling/observations.ts';
import {
  prometheusReplicas,
  type ResourceRuleInput,
  resourceReplicas,
} from '../../../../../apiserver/src/controllers/scaling/replicas.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const LONG_AGO = NOW - 3600_000;
const TOLERANCE = { up: 0.1, down: 0.1 };

function pod(name: string, extra: Partial<PodState> = {}): PodState {
  return {
    name,
    phase: 'Running',
    deleting: false,
    ready: true,
    readyTransitionMs: LONG_AGO + 10_000,
    startMs: LONG_AGO,
    requests: { cpu: 1, memory: 1024 },
    ...extra,
  };
}

function sample(value: number, timestampMs = NOW - 5000): UsageSample {
  return { value, timestampMs, windowMs: 30_000 };
}

function input(pods: PodState[], usage: Array<[string, number]>, extra: Partial<ResourceRuleInput> = {}) {
  return {
    resource: 'cpu' as const,
    targetUtilization: 80,
    currentReplicas: pods.length,
    pods,
    usage: new Map(usage.map(([name, v]) => [name, sample(v)])),
    tolerance: TOLERANCE,
    nowMs: NOW,
    cpuInitializationPeriodMs: 300_000,
    initialReadinessDelayMs: 30_000,
    ...extra,
  };
}

const four = ['a', 'b', 'c', 'd'].map((n) => pod(n));

t.test('desired = ceil(current × utilisation / target)', async (t) => {
  // 120% of the request against a target of 80%: ratio 1.5, 4 → 6.
  const r = resourceReplicas(
    input(
      four,
      four.map((p) => [p.name, 1.2]),
    ),
  );
  t.same(r, { ok: true, replicas: 6, value: 120, target: 80 });
  // 20% against 80%: ratio 0.25, 4 → 1.
  t.match(
    resourceReplicas(
      input(
        four,
        four.map((p) => [p.name, 0.2]),
      ),
    ),
    { ok: true, replicas: 1 },
  );
});

t.test('within the tolerance nothing changes; the tolerance is settable per direction', async (t) => {
  // 85% against 80%: ratio 1.0625, inside the default 0.1.
  t.match(
    resourceReplicas(
      input(
        four,
        four.map((p) => [p.name, 0.85]),
      ),
    ),
    { replicas: 4 },
  );
  // With a scale-up tolerance of 5% the same reading scales: ceil(1.0625 × 4) = 5.
  t.match(
    resourceReplicas(
      input(
        four,
        four.map((p) => [p.name, 0.85]),
        { tolerance: { up: 0.05, down: 0.1 } },
      ),
    ),
    {
      replicas: 5,
    },
  );
  // 60% against 80%: ratio 0.75 → ceil(3) = 3; with a scale-down tolerance of 0.3 it holds.
  t.match(
    resourceReplicas(
      input(
        four,
        four.map((p) => [p.name, 0.6]),
      ),
    ),
    { replicas: 3 },
  );
  t.match(
    resourceReplicas(
      input(
        four,
        four.map((p) => [p.name, 0.6]),
        { tolerance: { up: 0.1, down: 0.3 } },
      ),
    ),
    {
      replicas: 4,
    },
  );
});

t.test('pods being deleted and failed pods are ignored', async (t) => {
  const pods = [...four, pod('gone', { deleting: true }), pod('dead', { phase: 'Failed' })];
  const usage: Array<[string, number]> = [
    ...four.map((p): [string, number] => [p.name, 1.2]),
    ['gone', 5],
    ['dead', 5],
  ];
  t.match(resourceReplicas(input(pods, usage, { currentReplicas: 4 })), { replicas: 6, value: 120 });
});

t.test('pods without metrics count as 100% only when scaling down, which dampens it', async (t) => {
  const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
  // Two measured at 40% (ratio 0.5); alone they would give ceil(0.5 × 2) = 1. With the two
  // missing ones at 100%: 70% → ratio 0.875 → ceil(3.5) = 4, not above current: 4.
  t.match(
    resourceReplicas(
      input(pods, [
        ['a', 0.4],
        ['b', 0.4],
      ]),
    ),
    { replicas: 4 },
  );
  // Scaling up, missing pods count as 0%: 96% on three (ratio 1.2) with one missing is 72%,
  // which reverses the direction: no change.
  t.match(
    resourceReplicas(
      input(pods, [
        ['a', 0.96],
        ['b', 0.96],
        ['c', 0.96],
      ]),
    ),
    { replicas: 4 },
  );
});

t.test('not-ready pods are set aside and count as 0% only in a scale-up', async (t) => {
  const pods = [pod('a'), pod('b'), pod('p1', { phase: 'Pending' }), pod('p2', { phase: 'Pending' })];
  // Scale down on the ready pods: 20% → ratio 0.25 → ceil(0.5) = 1.
  t.match(
    resourceReplicas(
      input(pods, [
        ['a', 0.2],
        ['b', 0.2],
      ]),
    ),
    { replicas: 1 },
  );
  // Scale up: ready at 100% (ratio 1.25); with the pending pods at 0% the ratio is 0.625,
  // reversing direction: no change rather than a scale-up on half the pods.
  t.match(
    resourceReplicas(
      input(pods, [
        ['a', 1.0],
        ['b', 1.0],
      ]),
    ),
    { replicas: 4 },
  );
});

t.test(
  'CPU of a pod inside its initialisation period counts only once ready and sampled since',
  async (t) => {
    const starting = pod('new', { startMs: NOW - 60_000, readyTransitionMs: NOW - 10_000 });
    const steady = pod('old');
    const usage: Array<[string, number]> = [
      ['old', 1.0],
      ['new', 4.0],
    ];
    const cpu = { targetUtilization: 100, currentReplicas: 2 };
    // The start-up burst of `new` is set aside: `old` alone is at target → 2.
    t.match(resourceReplicas(input([steady, starting], usage, cpu)), { replicas: 2 });
    // Once past the initialisation period it counts: 250% → ceil(2.5 × 2) = 5.
    const settled = pod('new', { startMs: NOW - 400_000, readyTransitionMs: NOW - 390_000 });
    t.match(resourceReplicas(input([steady, settled], usage, cpu)), { replicas: 5 });
    // A shorter period per policy has the same effect.
    t.match(
      resourceReplicas(input([steady, starting], usage, { ...cpu, cpuInitializationPeriodMs: 30_000 })),
      {
        replicas: 5,
      },
    );
    // Memory has no initialisation period: 250% of the request → 5.
    const memory = {
      ...input([steady, starting], [], { ...cpu, resource: 'memory' }),
      usage: new Map([
        ['old', sample(1024)],
        ['new', sample(4096)],
      ]),
    };
    t.match(resourceReplicas(memory), { replicas: 5 });
  },
);

t.test('no pods, no metrics or no request is an error, never a count', async (t) => {
  t.match(resourceReplicas(input([], [])), { ok: false, error: /no pods/ });
  t.match(resourceReplicas(input(four, [])), { ok: false, error: /no cpu metrics/ });
  const bare = pod('x', { requests: {} });
  t.match(resourceReplicas(input([bare], [['x', 1]])), { ok: false, error: /no cpu request/ });
});

t.test('Prometheus rules: value / targetPerReplica with the tolerance', async (t) => {
  const base = { targetPerReplica: 100, currentReplicas: 4, tolerance: TOLERANCE };
  t.same(prometheusReplicas({ ...base, value: 600 }), { ok: true, replicas: 6, value: 600, target: 100 });
  t.match(prometheusReplicas({ ...base, value: 420 }), { replicas: 4 }, 'ratio 1.05 is within 0.1');
  t.match(prometheusReplicas({ ...base, value: 150 }), { replicas: 2 });
  t.match(prometheusReplicas({ ...base, currentReplicas: 0, value: 250 }), { replicas: 3 });
});

t.test('an empty Prometheus result is an error unless emptyAs says otherwise', async (t) => {
  const base = { targetPerReplica: 100, currentReplicas: 4, tolerance: TOLERANCE };
  t.match(prometheusReplicas({ ...base, value: undefined }), { ok: false, error: /no sample/ });
  t.match(prometheusReplicas({ ...base, value: undefined, emptyAs: 0 }), { ok: true, replicas: 0, value: 0 });
  t.match(prometheusReplicas({ ...base, value: Number.NaN }), { ok: false, error: /finite/ });
  t.match(prometheusReplicas({ ...base, value: -1 }), { ok: false });
});
