import t from 'tap';
import { EMPTY_MEMORY } from '../../../../../apiserver/src/controllers/scaling/behavior.ts';
import type { PolicyOutcome } from '../../../../../apiserver/src/controllers/scaling/policy.ts';
import {
  HISTORY_LIMIT,
  nextStatus,
  policyConditions,
} from '../../../../../apiserver/src/controllers/scaling/status.ts';
import type { ScalingDecision } from '../../../../../common/apis/scaling/v1alpha1/types.ts';

const outcome = (extra: Partial<PolicyOutcome> = {}): PolicyOutcome => ({
  name: 'p',
  rules: [],
  proposal: 4,
  held: false,
  clamps: [],
  result: 4,
  memory: EMPTY_MEMORY,
  failures: [],
  ...extra,
});

const decision = (id: string, to: number): ScalingDecision => ({
  id,
  time: `t-${id}`,
  from: 2,
  to,
  reason: 'r',
});

function byType(conditions: ReturnType<typeof policyConditions>) {
  return Object.fromEntries(conditions.map((c) => [c.type, `${c.status}/${c.reason}`]));
}

t.test('conditions say what holds the policy back', async (t) => {
  t.same(byType(policyConditions(outcome(), undefined)), {
    ScalingActive: 'True/Deciding',
    SourcesHealthy: 'True/AllSourcesHealthy',
    CapacityLimited: 'False/Fits',
    AbleToScale: 'True/Ready',
  });
  const failing = outcome({ held: true, failures: [{ rule: 'qps', error: 'Prometheus down' }] });
  const c = policyConditions(failing, undefined);
  t.same(byType(c).ScalingActive, 'False/AllSourcesFailed');
  t.same(byType(c).SourcesHealthy, 'False/SourceFailed');
  t.equal(c.find((x) => x.type === 'SourcesHealthy')?.message, 'qps: Prometheus down');
  t.same(
    byType(policyConditions(outcome({ capacity: { limited: true, message: 'capped: 6 wanted' } }), undefined))
      .CapacityLimited,
    'True/Capped',
  );
  t.same(
    byType(policyConditions(outcome({ capacity: { limited: true, message: 'refused: x' } }), undefined))
      .CapacityLimited,
    'True/Refused',
  );
  t.same(
    byType(policyConditions(outcome(), { reason: 'ConflictingAutoscaler', message: 'HPA portal' }))
      .AbleToScale,
    'False/ConflictingAutoscaler',
  );
  t.same(byType(policyConditions(undefined, { reason: 'TargetNotFound', message: 'gone' })), {
    AbleToScale: 'False/TargetNotFound',
  });
});

t.test('status: last decision, bounded history newest first, transition times kept', async (t) => {
  const conditions = policyConditions(outcome(), undefined);
  const first = nextStatus(undefined, {
    generation: 3,
    current: 2,
    desired: 4,
    record: decision('a', 4),
    conditions,
    nowIso: '2026-06-01T10:00:01Z',
  });
  t.match(first, {
    currentReplicas: 2,
    desiredReplicas: 4,
    observedGeneration: 3,
    lastDecision: { id: 'a' },
  });
  t.same(
    first.history?.map((d) => d.id),
    ['a'],
  );
  t.equal(first.conditions?.[0]?.lastTransitionTime, '2026-06-01T10:00:01Z');
  const same = nextStatus(first, {
    generation: 3,
    current: 4,
    desired: 4,
    record: decision('b', 4),
    conditions,
    nowIso: '2026-06-01T10:00:02Z',
  });
  t.equal(same.lastDecision?.id, 'a', 'the same decision again adds nothing');
  t.equal(same.history?.length, 1);
  t.equal(
    same.conditions?.[0]?.lastTransitionTime,
    '2026-06-01T10:00:01Z',
    'unchanged status keeps its transition time',
  );
  let status = same;
  for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
    status = nextStatus(status, {
      generation: 3,
      current: 4,
      desired: 5 + i,
      record: decision(`d${i}`, 5 + i),
      conditions,
      nowIso: '2026-06-01T10:00:03Z',
    });
  }
  t.equal(status.history?.length, HISTORY_LIMIT);
  t.equal(status.history?.[0]?.id, `d${HISTORY_LIMIT + 4}`, 'newest first');
  const failing = policyConditions(outcome({ held: true }), undefined);
  const flipped = nextStatus(status, {
    generation: 3,
    current: 4,
    desired: 4,
    record: undefined,
    conditions: failing,
    nowIso: '2026-06-01T10:00:04Z',
  });
  t.equal(
    flipped.conditions?.find((c) => c.type === 'ScalingActive')?.lastTransitionTime,
    '2026-06-01T10:00:04Z',
  );
  t.equal(flipped.lastDecision?.id, status.lastDecision?.id, 'no record keeps the last decision');
});
