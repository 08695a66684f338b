import t from 'tap';
import {
  guardScaleUp,
  placeableReplicas,
} from '../../../../../apiserver/src/controllers/scaling/capacity.ts';
import type { CapacityView } from '../../../../../apiserver/src/controllers/scaling/observations.ts';

const GI = 1024 ** 3;

function view(perReplica: Record<string, number>): CapacityView {
  return {
    domains: [
      {
        name: 'n1',
        allocatable: new Map([
          ['cpu', 4],
          ['memory', 8 * GI],
        ]),
        requested: new Map([
          ['cpu', 2],
          ['memory', 1 * GI],
        ]),
      },
      {
        name: 'n2',
        allocatable: new Map([
          ['cpu', 4],
          ['memory', 8 * GI],
          ['kubehpc.dev/sriov-vf', 4],
        ]),
        requested: new Map([['cpu', 1]]),
      },
    ],
    perReplica: new Map(Object.entries(perReplica)),
  };
}

t.test('replicas that fit under the utilisation ceiling, whole replicas per domain', async (t) => {
  t.equal(placeableReplicas(view({ cpu: 1 }), 100), 5, '2 on n1, 3 on n2');
  t.equal(placeableReplicas(view({ cpu: 1 }), 75), 3, '3 − 2 on n1, 3 − 1 on n2');
  t.equal(placeableReplicas(view({ cpu: 1, memory: 4 * GI }), 100), 3, 'memory limits n1 to 1');
  t.equal(placeableReplicas(view({ cpu: 0.5, 'kubehpc.dev/sriov-vf': 2 }), 100), 2, 'only n2 has VFs');
  t.equal(placeableReplicas({ domains: [], perReplica: new Map([['cpu', 1]]) }, 100), 0, 'no domain');
  t.equal(placeableReplicas(view({}), 80), Number.POSITIVE_INFINITY, 'a replica asking nothing always fits');
});

t.test('Cap scales as far as fits, Refuse not at all, Warn anyway', async (t) => {
  const v = view({ cpu: 1 });
  const guard = { maxUtilizationPercent: 75 };
  t.match(guardScaleUp(2, 10, v, { ...guard, action: 'Cap' }), {
    replicas: 5,
    limited: true,
    message: /capped: 8/,
  });
  t.match(guardScaleUp(2, 10, v, { ...guard, action: 'Refuse' }), {
    replicas: 2,
    limited: true,
    message: /refused/,
  });
  t.match(guardScaleUp(2, 10, v, { ...guard, action: 'Warn' }), {
    replicas: 10,
    limited: true,
    message: /warning/,
  });
  t.same(guardScaleUp(2, 4, v, { ...guard, action: 'Refuse' }), { replicas: 4, limited: false }, 'fits');
  t.same(
    guardScaleUp(5, 3, v, { ...guard, action: 'Refuse' }),
    { replicas: 3, limited: false },
    'a scale-down',
  );
  t.match(guardScaleUp(2, 10, undefined, { ...guard, action: 'Cap' }), { replicas: 10, message: /unknown/ });
});
