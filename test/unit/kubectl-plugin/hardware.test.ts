// devices/topology rows from nodes, NodeResourceTopologies and pods; why's plain words.

import t from 'tap';
import { deviceRows, localDisk, zoneRows } from '../../../kubectl-plugin/src/hardware/inventory.ts';
import { explain } from '../../../kubectl-plugin/src/why/explain.ts';

const VF = 'kubehpc.dev/sriov-vf';
const node = (name: string, vfs: number, healthy = vfs) => ({
  metadata: { name, annotations: { 'capacity.topolvm.io/00default': String(512 * 2 ** 30) } },
  status: { capacity: { cpu: '32', [VF]: String(vfs) }, allocatable: { cpu: '32', [VF]: String(healthy) } },
});
const zone = (name: string, vfs: number, available = vfs) => ({
  name,
  type: 'Node',
  resources: [
    { name: 'cpu', capacity: '16', allocatable: '16', available: '16' },
    { name: 'memory', capacity: String(64 * 2 ** 30), available: String(64 * 2 ** 30) },
    { name: VF, capacity: String(vfs), allocatable: String(vfs), available: String(available) },
  ],
});
const topology = { metadata: { name: 'split-0' }, zones: [zone('node-0', 2, 1), zone('node-1', 2)] };

t.test('device rows: pools per node with zones, health and allocation', async (t) => {
  const pods = [
    {
      spec: { nodeName: 'split-0', containers: [{ resources: { requests: { [VF]: '1' } } }] },
      status: { phase: 'Running' },
    },
    {
      spec: { nodeName: 'split-0', containers: [{ resources: { requests: { [VF]: '1' } } }] },
      status: { phase: 'Succeeded' },
    },
  ];
  t.same(
    deviceRows(
      [node('split-0', 4, 3), { metadata: { name: 'general-0' }, status: { capacity: { cpu: '16' } } }],
      [topology],
      pods,
    ),
    [['split-0', VF, 'node-0=2,node-1=2', '4', '3', '1', '2']],
  );
});

t.test('zone rows and local disk', async (t) => {
  t.same(zoneRows(topology), [
    ['node-0', '16', '64Gi', '1/2'],
    ['node-1', '16', '64Gi', '2'],
  ]);
  t.equal(localDisk(node('x', 0)), '512Gi');
  t.equal(localDisk({ metadata: { name: 'y' } }), '<not published>');
});

t.test("why: the scheduler's message per node group with a fix", async (t) => {
  const e = explain(
    '0/8 nodes are available: 1 node(s) has its VFs split across NUMA zones, 3 node(s) had insufficient kubehpc.dev/sriov-vf, 4 Insufficient cpu. preemption: 0/8 nodes are available: 8 No preemption victims found.',
  );
  t.equal(e.total, 8);
  t.same(
    e.groups.map((g) => [g.nodes, g.reason]),
    [
      [1, 'has its VFs split across NUMA zones'],
      [3, 'had insufficient kubehpc.dev/sriov-vf'],
      [4, 'Insufficient cpu'],
    ],
  );
  t.match(e.groups[0]?.fix, /--numa single/);
  t.match(e.groups[1]?.fix, /fewer VFs/);
  t.match(e.groups[2]?.fix, /--cpu/);
  t.same(
    explain('something else').groups.map((g) => g.reason),
    ['something else'],
  );
});
