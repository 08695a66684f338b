import t from 'tap';
import {
  EMPTY_MEMORY,
  type PolicyMemory,
} from '../../../../../apiserver/src/controllers/scaling/behavior.ts';
import type {
  CapacityView,
  RuleObservation,
} from '../../../../../apiserver/src/controllers/scaling/observations.ts';
import type { PolicyInput } from '../../../../../apiserver/src/controllers/scaling/policy.ts';
import { decideService } from '../../../../../apiserver/src/controllers/scaling/service.ts';
import type { ScalingPolicySpec, ScalingRule } from '../../../../../common/apis/scaling/v1alpha1/types.ts';

// 2026-06-01 is a Monday; 09:00Z is inside a 08:00–10:00 UTC window.
const IN_WINDOW = Date.parse('2026-06-01T09:00:00Z');
const OUTSIDE = Date.parse('2026-06-01T12:00:00Z');

const qps = (targetPerReplica = 100, extra: Partial<ScalingRule> = {}): ScalingRule => ({
  name: 'qps',
  prometheus: { query: 'sum(rate(x[1m]))', targetPerReplica },
  ...extra,
});
const cpu = (extra: Partial<ScalingRule> = {}): ScalingRule => ({
  name: 'cpu',
  resource: { name: 'cpu', targetUtilization: 80 },
  ...extra,
});
const morning = (replicas: number, maxReplicas?: number): ScalingRule => ({
  name: 'morning',
  schedule: { cron: '0 8 * * *', duration: '2h', replicas, ...(maxReplicas ? { maxReplicas } : {}) },
});

/** No stabilisation and no rate limit in either direction, so a test sees the rules alone. */
const IMMEDIATE = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent' as const, value: 1000, periodSeconds: 15 }],
  },
  scaleDown: {
    stabilizationWindowSeconds: 0,
    policies: [{ type: 'Percent' as const, value: 100, periodSeconds: 15 }],
  },
};

function policy(
  name: string,
  spec: Partial<ScalingPolicySpec>,
  observations: Record<string, RuleObservation> = {},
  extra: { memory?: PolicyMemory; capacity?: CapacityView } = {},
): PolicyInput {
  return {
    name,
    spec: {
      targetRef: { name: 'portal' },
      minReplicas: 1,
      maxReplicas: 20,
      rules: [qps()],
      behavior: IMMEDIATE,
      ...spec,
    },
    observations: new Map(Object.entries(observations)),
    memory: extra.memory ?? EMPTY_MEMORY,
    ...(extra.capacity ? { capacity: extra.capacity } : {}),
  };
}

const prom = (value: number | undefined): RuleObservation => ({ kind: 'prometheus', value });
const failed = (error: string): RuleObservation => ({ kind: 'failed', error });

t.test('one policy, one rule: the rule decides and the record says so', async (t) => {
  const d = decideService([policy('peak', {}, { qps: prom(600) })], 4, OUTSIDE, 'd-1');
  t.equal(d.to, 6);
  t.equal(d.actuate, true);
  t.same(d.winner, { policy: 'peak', rule: 'qps' });
  const record = d.records.get('peak');
  t.match(record, {
    id: 'd-1',
    time: '2026-06-01T12:00:00.000Z',
    from: 4,
    to: 6,
    proposal: 6,
    actuated: true,
    clamps: [],
    rules: [{ name: 'qps', source: 'prometheus', value: 600, target: 100, desiredReplicas: 6 }],
  });
  t.match(record?.reason, /rule qps proposed 6.*: 4 → 6$/);
});

t.test('"no change" is a decision with an id too', async (t) => {
  const d = decideService([policy('peak', {}, { qps: prom(400) })], 4, OUTSIDE, 'd-2');
  t.equal(d.actuate, false);
  t.match(d.records.get('peak'), { id: 'd-2', from: 4, to: 4, actuated: false });
});

t.test('a failed source affects only its own rule', async (t) => {
  const spec = { rules: [cpu(), qps()] };
  const d = decideService(
    [policy('p', spec, { cpu: failed('metrics API absent'), qps: prom(600) })],
    4,
    OUTSIDE,
    'x',
  );
  t.equal(d.to, 6, 'the healthy rule still decides');
  t.match(d.records.get('p')?.rules, [
    { name: 'cpu', error: 'metrics API absent' },
    { name: 'qps', desiredReplicas: 6 },
  ]);
  t.same(d.outcomes[0]?.failures, [{ rule: 'cpu', error: 'metrics API absent' }]);
  t.match(d.records.get('p')?.reason, /rule cpu failed: metrics API absent/);
});

t.test(
  'a failed rule with a fallback proposes it beside the healthy rules (it does not override them)',
  async (t) => {
    const spec = { rules: [cpu({ fallbackReplicas: 8 }), qps()] };
    const low = decideService([policy('p', spec, { cpu: failed('down'), qps: prom(600) })], 4, OUTSIDE, 'x');
    t.equal(low.to, 8, 'Max of fallback 8 and qps 6');
    t.match(low.records.get('p')?.rules?.[0], { name: 'cpu', fallback: true, desiredReplicas: 8 });
    const high = decideService(
      [policy('p', spec, { cpu: failed('down'), qps: prom(1200) })],
      4,
      OUTSIDE,
      'x',
    );
    t.equal(high.to, 12, 'the healthy rule above the fallback still wins');
  },
);

t.test('every metric rule failing holds the count, never scales to zero', async (t) => {
  const spec = { rules: [cpu(), qps()], minReplicas: 0 };
  const d = decideService([policy('p', spec, { cpu: failed('a'), qps: failed('b') })], 5, OUTSIDE, 'x');
  t.equal(d.to, 5);
  t.equal(d.actuate, false);
  t.equal(d.outcomes[0]?.held, true);
  t.match(d.records.get('p')?.reason, /every metric source failed/);
  t.same(d.outcomes[0]?.memory.recommendations, [], 'a held period leaves no recommendation behind');
  const missing = decideService([policy('p', spec, {})], 5, OUTSIDE, 'x');
  t.equal(missing.to, 5, 'no observation at all is a failure too');
});

t.test('a schedule window raises the floor while the metric still scales above it', async (t) => {
  const spec = { rules: [qps(), morning(10)] };
  t.equal(
    decideService([policy('p', spec, { qps: prom(1400) })], 4, IN_WINDOW, 'x').to,
    14,
    'metric above the floor',
  );
  const floor = decideService([policy('p', spec, { qps: prom(300) })], 4, IN_WINDOW, 'x');
  t.equal(floor.to, 10, 'the floor');
  t.same(floor.records.get('p')?.clamps, [
    { kind: 'ScheduleFloor', from: 3, to: 10, message: 'window of rule morning holds at least 10' },
  ]);
  t.same(floor.winner, { policy: 'p', rule: 'morning' });
  t.equal(
    decideService([policy('p', spec, { qps: prom(300) })], 4, OUTSIDE, 'x').to,
    3,
    'outside the window',
  );
  const capped = decideService(
    [policy('p', { rules: [qps(), morning(10, 12)] }, { qps: prom(2000) })],
    4,
    IN_WINDOW,
    'x',
  );
  t.equal(capped.to, 12, 'the window ceiling');
  t.match(capped.records.get('p')?.clamps, [{ kind: 'ScheduleCeiling', from: 20, to: 12 }]);
});

t.test('a schedule-only policy holds its floor in the window and minReplicas outside it', async (t) => {
  const spec = { rules: [morning(10)], minReplicas: 2 };
  t.equal(decideService([policy('p', spec)], 2, IN_WINDOW, 'x').to, 10);
  t.equal(decideService([policy('p', spec)], 10, OUTSIDE, 'x').to, 2);
});

t.test('the schedule floor still applies when every metric source fails', async (t) => {
  const d = decideService(
    [policy('p', { rules: [qps(), morning(10)] }, { qps: failed('down') })],
    4,
    IN_WINDOW,
    'x',
  );
  t.equal(d.to, 10);
});

t.test('combine modes inside a policy', async (t) => {
  const rules = [
    { ...qps(100), name: 'qps', weight: 1, priority: 0 },
    { ...qps(100), name: 'queue', weight: 3, priority: 9 },
  ];
  const obs = { qps: prom(1000), queue: prom(200) };
  t.equal(decideService([policy('p', { rules }, obs)], 4, OUTSIDE, 'x').to, 10, 'Max');
  t.equal(
    decideService([policy('p', { rules, combine: 'Weighted' }, obs)], 4, OUTSIDE, 'x').to,
    4,
    '(10 + 2×3)/4',
  );
  const priority = decideService([policy('p', { rules, combine: 'Priority' }, obs)], 4, OUTSIDE, 'x');
  t.equal(priority.to, 2);
  t.same(priority.winner, { policy: 'p', rule: 'queue' });
});

t.test('min and max clamp the proposal, recorded', async (t) => {
  const high = decideService([policy('p', { maxReplicas: 8 }, { qps: prom(2000) })], 4, OUTSIDE, 'x');
  t.equal(high.to, 8);
  t.match(high.records.get('p')?.clamps, [{ kind: 'MaxReplicas', from: 20, to: 8 }]);
  const low = decideService([policy('p', { minReplicas: 3 }, { qps: prom(50) })], 4, OUTSIDE, 'x');
  t.equal(low.to, 3);
  t.match(low.records.get('p')?.clamps, [{ kind: 'MinReplicas', from: 1, to: 3 }]);
});

t.test('stabilisation and rate clamps with the default behaviour', async (t) => {
  const defaults = { behavior: {} };
  const up = decideService([policy('p', defaults, { qps: prom(2000) })], 2, OUTSIDE, 'x');
  t.equal(up.to, 6, 'up at most max(+100%, +4) per 15s');
  t.match(up.records.get('p')?.clamps, [{ kind: 'Rate', from: 20, to: 6 }]);
  const memory = { recommendations: [{ timeMs: OUTSIDE - 60_000, value: 8 }], scaleEvents: [] };
  const down = decideService([policy('p', defaults, { qps: prom(300) }, { memory })], 8, OUTSIDE, 'x');
  t.equal(down.to, 8, '8 was recommended a minute ago, inside the 300s window');
  t.match(down.records.get('p')?.clamps, [{ kind: 'Stabilization', from: 3, to: 8 }]);
  t.same(
    down.outcomes[0]?.memory.recommendations.at(-1),
    { timeMs: OUTSIDE, value: 3 },
    'raw recommendation kept',
  );
  const later = decideService(
    [policy('p', defaults, { qps: prom(300) }, { memory })],
    8,
    OUTSIDE + 241_000,
    'x',
  );
  t.equal(later.to, 3, 'after the window');
});

t.test('pause modes', async (t) => {
  const up = { qps: prom(1000) };
  const down = { qps: prom(100) };
  const run = (paused: 'None' | 'All' | 'ScaleIn' | 'ScaleOut', obs: Record<string, RuleObservation>) =>
    decideService([policy('p', { paused }, obs)], 4, OUTSIDE, 'x');
  t.equal(run('All', up).to, 4);
  t.equal(run('All', up).actuate, false);
  t.match(run('All', up).records.get('p'), {
    proposal: 10,
    to: 4,
    clamps: [{ kind: 'Paused', from: 10, to: 4 }],
    reason: /rule qps proposed 10; Paused 10→4; paused: All, not applied/,
  });
  t.equal(run('ScaleIn', down).to, 4);
  t.match(run('ScaleIn', down).records.get('p')?.clamps, [{ kind: 'Paused', from: 1, to: 4 }]);
  t.equal(run('ScaleIn', up).to, 10);
  t.equal(run('ScaleOut', up).to, 4);
  t.equal(run('ScaleOut', down).to, 1);
});

t.test('Recommend mode decides and records, never actuates', async (t) => {
  const d = decideService([policy('p', { mode: 'Recommend' }, { qps: prom(1000) })], 4, OUTSIDE, 'r-1');
  t.equal(d.actuate, false);
  t.equal(d.to, 4);
  t.match(d.records.get('p'), { id: 'r-1', to: 10, actuated: false, reason: /Recommend mode/ });
});

t.test('the capacity guard caps a scale-up, with the clamp recorded', async (t) => {
  const capacity: CapacityView = {
    domains: [{ name: 'n1', allocatable: new Map([['cpu', 10]]), requested: new Map([['cpu', 4]]) }],
    perReplica: new Map([['cpu', 1]]),
  };
  const guard = (action: 'Cap' | 'Refuse' | 'Warn') =>
    decideService(
      [
        policy(
          'p',
          { capacityGuard: { maxUtilizationPercent: 80, action } },
          { qps: prom(1000) },
          { capacity },
        ),
      ],
      4,
      OUTSIDE,
      'x',
    );
  // 80% of 10 cores is 8, 4 requested: 4 more replicas fit.
  t.equal(guard('Cap').to, 8);
  t.match(guard('Cap').records.get('p')?.clamps, [{ kind: 'Capacity', from: 10, to: 8, message: /capped/ }]);
  t.match(guard('Cap').outcomes[0]?.capacity, { limited: true, message: /6 new replica\(s\) wanted, 4 fit/ });
  t.equal(guard('Refuse').to, 4);
  t.equal(guard('Warn').to, 10);
  t.match(guard('Warn').outcomes[0]?.capacity, { limited: true, message: /warning only/ });
});

t.test('several policies: the largest proposal of the highest precedence sets the count', async (t) => {
  const a = policy('a', {}, { qps: prom(600) });
  const b = policy('b', { rules: [qps(50)] }, { qps: prom(450) });
  const d = decideService([a, b], 4, OUTSIDE, 'm-1');
  t.equal(d.to, 9);
  t.same(d.winner, { policy: 'b', rule: 'qps' });
  t.match(d.records.get('a'), { id: 'm-1', to: 9, reason: /this policy proposes 6, policy b set the count/ });
  t.match(d.records.get('b'), { id: 'm-1', to: 9, winner: { policy: 'b' } });
  const recommendOnly = policy('b', { rules: [qps(50)], mode: 'Recommend' }, { qps: prom(450) });
  t.equal(
    decideService([a, recommendOnly], 4, OUTSIDE, 'x').to,
    6,
    'a Recommend policy does not set the count',
  );
  const override = policy('o', { precedence: 1 }, { qps: prom(300) });
  const o = decideService([a, b, override], 4, OUTSIDE, 'x');
  t.equal(o.to, 3, 'a higher precedence overrides');
  t.same(o.winner, { policy: 'o', rule: 'qps' });
  const none = decideService([recommendOnly], 4, OUTSIDE, 'x');
  t.equal(none.to, 4);
  t.equal(none.winner, undefined);
});
