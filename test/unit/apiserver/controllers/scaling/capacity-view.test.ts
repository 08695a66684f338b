import type { V1Node, V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { placeableReplicas } from '../../../../../apiserver/src/controllers/scaling/capacity.ts';
import { capacityView } from '../../../../../apiserver/src/controllers/scaling/capacity-view.ts';
import { SRIOV_VF_RESOURCE } from '../../../../../common/names.ts';

function node(
  name: string,
  extra: {
    cpu?: string;
    vfs?: string;
    labels?: Record<string, string>;
    ready?: boolean;
    unschedulable?: boolean;
    taint?: boolean;
  } = {},
): V1Node {
  return {
    metadata: { name, labels: extra.labels ?? {} },
    spec: {
      ...(extra.unschedulable ? { unschedulable: true } : {}),
      ...(extra.taint ? { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      allocatable: {
        cpu: extra.cpu ?? '4',
        memory: '8Gi',
        ...(extra.vfs ? { [SRIOV_VF_RESOURCE]: extra.vfs } : {}),
      },
      conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }],
    },
  };
}

function pod(
  name: string,
  nodeName: string | undefined,
  cpu: string,
  extra: Partial<V1Pod['spec']> = {},
): V1Pod {
  return {
    metadata: { name, namespace: 'climate' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'c', resources: { requests: { cpu, memory: '1Gi' } } }],
      ...extra,
    },
    status: { phase: 'Running' },
  };
}

t.test('eligible nodes with what placed pods request, and what one replica asks', async (t) => {
  const nodes = [
    node('a'),
    node('b', { ready: false }),
    node('c', { unschedulable: true }),
    node('d', { taint: true }),
    node('e', { labels: { zone: 'x' } }),
  ];
  const pods = [pod('p1', 'a', '2'), pod('p2', 'e', '1'), pod('pending', undefined, '3')];
  const view = capacityView(nodes, pods, [pod('template', undefined, '1')], 0);
  t.same(
    view?.domains.map((d) => d.name),
    ['a', 'e'],
    'not ready, unschedulable and tainted nodes are out',
  );
  t.equal(view?.domains[0]?.requested.get('cpu'), 2);
  t.equal(view?.perReplica.get('cpu'), 1);
  t.equal(placeableReplicas(view as NonNullable<typeof view>, 100), 2 + 3);
  const selective = capacityView(
    nodes,
    pods,
    [
      pod('t', undefined, '1', {
        nodeSelector: { zone: 'x' },
        containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }],
      }),
    ],
    0,
  );
  t.same(
    selective?.domains.map((d) => d.name),
    ['e'],
    'the nodeSelector narrows the nodes',
  );
  const tolerant = capacityView(
    nodes,
    pods,
    [pod('t', undefined, '1', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] })],
    0,
  );
  t.same(
    tolerant?.domains.map((d) => d.name),
    ['a', 'd', 'e'],
    'a tolerated taint does not exclude',
  );
  t.equal(capacityView(nodes, pods, [], 3), undefined, 'no pod to learn the demand from: unknown');
});

t.test("the service's replicas not placed yet take their room first", async (t) => {
  const own = [pod('s1', 'a', '1'), pod('s2', undefined, '1')];
  // 3 replicas asked: one placed on a, one pending, one not even created yet.
  const view = capacityView([node('a')], own, own, 3);
  t.equal(view?.unplaced, 2);
  t.equal(
    placeableReplicas(view as NonNullable<typeof view>, 100),
    3 - 2,
    '4 − 1 requested, less the 2 waiting',
  );
});

t.test('VFs come from the node model', async (t) => {
  const view = capacityView(
    [node('a', { vfs: '4' }), node('b')],
    [],
    [
      {
        metadata: { name: 't' },
        spec: {
          containers: [{ name: 'c', resources: { requests: { cpu: '1', [SRIOV_VF_RESOURCE]: '2' } } }],
        },
      },
    ],
    0,
  );
  t.equal(placeableReplicas(view as NonNullable<typeof view>, 100), 2, 'only node a has VFs, 2 per replica');
});
