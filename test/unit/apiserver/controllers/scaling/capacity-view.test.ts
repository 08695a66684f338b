import type { V1Node, V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { placeableReplicas } from '../../../../../apiserver/src/controllers/scaling/capacity.ts';
import { capacityView } from '../../../../../apiserver/src/controllers/scaling/capacity-view.ts';
import {
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_SINGLE_NODE,
  SRIOV_VF_RESOURCE,
} from '../../../../../common/names.ts';

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

function topology(node: string, zones: Array<{ cpu: [string, string]; memory?: [string, string] }>): unknown {
  return {
    metadata: { name: node },
    zones: zones.map((z, i) => ({
      name: `node-${i}`,
      type: 'Node',
      resources: [
        { name: 'cpu', allocatable: z.cpu[0], available: z.cpu[1] },
        { name: 'memory', allocatable: z.memory?.[0] ?? '4Gi', available: z.memory?.[1] ?? '4Gi' },
      ],
    })),
  };
}

function singleNuma(cpu: string, extra: Record<string, string> = {}): V1Pod {
  return {
    metadata: {
      name: 't',
      namespace: 'climate',
      annotations: { [NUMA_POLICY_ANNOTATION]: NUMA_POLICY_SINGLE_NODE },
    },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu, memory: '1Gi', ...extra } } }] },
  };
}

t.test('a single-NUMA service counts room per zone, not per node', async (t) => {
  // Node a: 8 CPUs, two zones with 3 free each. A replica asking 4 CPUs fits the node's total
  // (8) twice, but no zone holds it.
  const nodes = [node('a', { cpu: '8' })];
  const split = new Map([['a', topology('a', [{ cpu: ['4', '3'] }, { cpu: ['4', '3'] }])]]);
  const numa = capacityView(nodes, [], [singleNuma('4')], 0, split);
  t.same(
    numa?.domains[0]?.zones?.map((z) => z.name),
    ['a/node-0', 'a/node-1'],
  );
  t.equal(
    numa?.domains[0]?.zones?.[0]?.requested.get('cpu'),
    1,
    'requested: what the publisher no longer reports free',
  );
  t.equal(placeableReplicas(numa as NonNullable<typeof numa>, 100), 0, 'two 3-CPU holes do not hold 4 CPUs');
  const plain = capacityView(nodes, [], [pod('t', undefined, '4')], 0, split);
  t.equal(plain?.domains[0]?.zones, undefined, 'a service without the NUMA need sees the node only');
  t.equal(placeableReplicas(plain as NonNullable<typeof plain>, 100), 2, 'per node: 8 CPUs hold two');

  const roomy = new Map([['a', topology('a', [{ cpu: ['4', '4'] }, { cpu: ['4', '2'] }])]]);
  const two = capacityView(nodes, [], [singleNuma('2')], 0, roomy);
  t.equal(
    placeableReplicas(two as NonNullable<typeof two>, 100),
    2 + 1,
    'zone by zone: 4 free hold two, 2 free hold one',
  );
  t.equal(placeableReplicas(two as NonNullable<typeof two>, 50), 1 + 0, 'the ceiling applies to each zone');
});

t.test("the node's own total still bounds a single-NUMA service", async (t) => {
  // The zones would hold 4 replicas of 2 CPUs, but pods already placed on the node take 6 of its 8.
  const zones = new Map([['a', topology('a', [{ cpu: ['4', '4'] }, { cpu: ['4', '4'] }])]]);
  const view = capacityView([node('a', { cpu: '8' })], [pod('busy', 'a', '6')], [singleNuma('2')], 0, zones);
  t.equal(placeableReplicas(view as NonNullable<typeof view>, 100), 1);
});

t.test('without a valid topology a node cannot take a single-NUMA replica', async (t) => {
  const nodes = [node('a'), node('b'), node('c')];
  const topologies = new Map<string, unknown>([
    ['a', topology('a', [{ cpu: ['4', '4'] }])],
    ['c', { metadata: { name: 'c' }, zones: 'garbage' }],
  ]);
  const view = capacityView(nodes, [], [singleNuma('1')], 0, topologies);
  t.same(
    view?.domains.map((d) => d.name),
    ['a'],
    'b has no topology, c a malformed one: the extender would refuse both',
  );
  t.equal(placeableReplicas(view as NonNullable<typeof view>, 100), 4);
});
