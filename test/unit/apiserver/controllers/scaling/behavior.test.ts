import t from 'tap';
import {
  EMPTY_MEMORY,
  type PolicyMemory,
  recordScale,
  remember,
  resolveDirection,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
} from '../../../../../apiserver/src/controllers/scaling/behavior.ts';

const NOW = 1_000_000_000;
const UP = resolveDirection(undefined, true);
const DOWN = resolveDirection(undefined, false);

t.test("the HPA's defaults: up at once by 100% or 4 pods per 15s, down after 300s", async (t) => {
  t.same(UP, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  });
  t.same(DOWN, {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  });
  t.equal(
    resolveDirection({ stabilizationWindowSeconds: 60 }, false).policies.length,
    1,
    'policies still default',
  );
  t.equal(scaleUpLimit(2, EMPTY_MEMORY, UP, NOW), 6, 'max(2 × 2, 2 + 4)');
  t.equal(scaleUpLimit(10, EMPTY_MEMORY, UP, NOW), 20, 'max(10 × 2, 10 + 4)');
  t.equal(scaleDownLimit(10, EMPTY_MEMORY, DOWN, NOW), 0, 'down by 100%: anywhere');
});

t.test('rate limits count the changes already made in their period', async (t) => {
  const memory: PolicyMemory = { recommendations: [], scaleEvents: [{ timeMs: NOW - 5000, value: 4 }] };
  // 2 → 6 five seconds ago: the period started at 2, so 6 is still the limit.
  t.equal(scaleUpLimit(6, memory, UP, NOW), 6);
  // Twenty seconds later that event is outside the 15s period.
  t.equal(scaleUpLimit(6, memory, UP, NOW + 20_000), 12);
  const slowDown = resolveDirection({ policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] }, false);
  t.equal(scaleDownLimit(5, EMPTY_MEMORY, slowDown, NOW), 4);
  const afterOne: PolicyMemory = { recommendations: [], scaleEvents: [{ timeMs: NOW - 30_000, value: -1 }] };
  t.equal(scaleDownLimit(4, afterOne, slowDown, NOW), 4, 'one pod per minute already used');
  t.equal(scaleDownLimit(4, afterOne, slowDown, NOW + 31_000), 3);
});

t.test('selectPolicy picks the most (Max) or least (Min) change, or freezes (Disabled)', async (t) => {
  const min = resolveDirection({ selectPolicy: 'Min' }, true);
  t.equal(scaleUpLimit(2, EMPTY_MEMORY, min, NOW), 4, 'min(2 × 2, 2 + 4)');
  t.equal(scaleUpLimit(2, EMPTY_MEMORY, resolveDirection({ selectPolicy: 'Disabled' }, true), NOW), 2);
  const two = resolveDirection(
    {
      selectPolicy: 'Min',
      policies: [
        { type: 'Percent', value: 50, periodSeconds: 60 },
        { type: 'Pods', value: 1, periodSeconds: 60 },
      ],
    },
    false,
  );
  t.equal(scaleDownLimit(10, EMPTY_MEMORY, two, NOW), 9, 'max(10 × 0.5, 10 − 1): the smaller change');
  t.equal(scaleDownLimit(10, EMPTY_MEMORY, resolveDirection({ selectPolicy: 'Disabled' }, false), NOW), 10);
  const percentUp = resolveDirection({ policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }, true);
  t.equal(
    scaleUpLimit(3, EMPTY_MEMORY, percentUp, NOW),
    4,
    'ceil(3 × 1.1): a percentage always allows one pod',
  );
});

t.test('stabilisation: up to the lowest, down to the highest recommendation in the window', async (t) => {
  const memory: PolicyMemory = {
    recommendations: [
      { timeMs: NOW - 100_000, value: 8 },
      { timeMs: NOW - 400_000, value: 12 },
    ],
    scaleEvents: [],
  };
  t.equal(stabilize(8, 3, memory, UP, DOWN, NOW), 8, '8 was recommended 100s ago, inside 300s');
  t.equal(stabilize(8, 3, memory, UP, DOWN, NOW + 201_000), 3, 'once the window has passed');
  const slowUp = resolveDirection({ stabilizationWindowSeconds: 60 }, true);
  const rising: PolicyMemory = { recommendations: [{ timeMs: NOW - 30_000, value: 4 }], scaleEvents: [] };
  t.equal(stabilize(4, 10, rising, slowUp, DOWN, NOW), 4, '4 was recommended 30s ago, inside 60s');
  t.equal(stabilize(4, 10, rising, slowUp, DOWN, NOW + 31_000), 10);
});

t.test('memory keeps what a window can see and the written changes', async (t) => {
  const old = { timeMs: NOW - 3_700_000, value: 1 };
  const kept = remember({ recommendations: [old], scaleEvents: [old] }, NOW, 5);
  t.same(kept, { recommendations: [{ timeMs: NOW, value: 5 }], scaleEvents: [] });
  t.same(remember(EMPTY_MEMORY, NOW, undefined).recommendations, [], 'a held period recommends nothing');
  t.same(recordScale(EMPTY_MEMORY, NOW, 3, 5).scaleEvents, [{ timeMs: NOW, value: 2 }]);
  t.equal(recordScale(EMPTY_MEMORY, NOW, 3, 3), EMPTY_MEMORY);
});
