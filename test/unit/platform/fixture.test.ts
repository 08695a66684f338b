import { readFileSync } from 'node:fs';
import t from 'tap';
import { LOCAL_DISK_CAPACITY_ANNOTATION, SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { expandFixture, nodeObject, parseFixture, topologyObject } from '../../../platform/src/fixture.ts';

const committed = readFileSync(new URL('../../../platform/fixtures/nodes.yaml', import.meta.url), 'utf8');

t.test('the committed fixture describes the hardware later parts schedule onto', async (t) => {
  const nodes = expandFixture(parseFixture(committed));
  t.ok(nodes.length >= 4, 'several nodes');
  const withVFs = nodes.filter((n) => n.sriovVFs > 0);
  t.ok(withVFs.length > 0, 'some nodes have SR-IOV VFs');
  t.ok(
    nodes.some((n) => n.zones.length > 1),
    'some nodes have more than one NUMA zone',
  );
  t.ok(
    nodes.some((n) => n.sriovVFs === 0),
    'some nodes have no VFs at all',
  );
  const split = nodes.find((n) => n.className === 'split');
  t.ok(split, 'a node whose VFs are split across zones exists');
  t.ok(
    split?.zones.every((z) => z.sriovVFs < split.sriovVFs),
    'no single zone of the split node holds all its VFs',
  );
  t.equal(new Set(nodes.map((n) => n.name)).size, nodes.length, 'node names are unique');
});

t.test('a node total is the sum of its zones', async (t) => {
  const [node] = expandFixture(
    parseFixture(`classes:
  - name: big
    count: 2
    localDisk: 1Ti
    pods: 50
    zones:
      - { cpus: 8, memory: 16Gi, sriovVFs: 3 }
      - { cpus: 4, memory: 8Gi, sriovVFs: 1 }
`),
  );
  t.ok(node);
  if (!node) return;
  t.equal(node.name, 'big-0');
  t.equal(node.cpus, 12);
  t.equal(node.memoryBytes, 24 * 2 ** 30);
  t.equal(node.sriovVFs, 4);
  t.equal(node.localDiskBytes, 2 ** 40);
  t.same(
    node.zones.map((z) => z.name),
    ['node-0', 'node-1'],
  );
});

t.test('invalid fixtures are refused with every problem and its path', async (t) => {
  t.throws(() => parseFixture('classes: []'), /non-empty list/);
  t.throws(() => parseFixture('nodes: 3'), /non-empty list/);
  const text = `classes:
  - name: Bad_Name
    count: 0
    localDisk: lots
    pods: 10
    zones:
      - { cpus: 0, memory: 8GB, sriovVFs: -1 }
  - name: ok
    count: 1
    localDisk: 1Gi
    pods: 1
    zones: []
`;
  try {
    parseFixture(text);
    t.fail('expected an error');
  } catch (error) {
    const message = (error as Error).message;
    for (const expected of [
      'classes[0].name must be a DNS label',
      'classes[0].count must be an integer ≥ 1',
      'classes[0].localDisk must be a quantity',
      'classes[0].zones[0].cpus must be an integer ≥ 1',
      'classes[0].zones[0].memory must be a quantity',
      'classes[0].zones[0].sriovVFs must be an integer ≥ 0',
      'classes[1].zones must be a non-empty list',
    ]) {
      t.match(message, expected);
    }
  }
  t.throws(
    () =>
      parseFixture(`classes:
  - { name: a, count: 1, localDisk: 1Gi, pods: 1, zones: [{ cpus: 1, memory: 1Gi, sriovVFs: 0 }] }
  - { name: a, count: 1, localDisk: 1Gi, pods: 1, zones: [{ cpus: 1, memory: 1Gi, sriovVFs: 0 }] }
`),
    /used twice/,
  );
});

t.test(
  'Node objects carry capacity, the VF resource only where VFs exist, and the disk annotation',
  async (t) => {
    const nodes = expandFixture(parseFixture(committed));
    for (const node of nodes) {
      const object = nodeObject(node) as {
        metadata: { annotations: Record<string, string> };
        status: { capacity: Record<string, string>; allocatable: Record<string, string> };
      };
      t.equal(object.status.capacity.cpu, String(node.cpus), `${node.name} cpu`);
      t.equal(
        object.status.capacity[SRIOV_VF_RESOURCE],
        node.sriovVFs > 0 ? String(node.sriovVFs) : undefined,
      );
      t.same(object.status.allocatable, object.status.capacity);
      t.equal(object.metadata.annotations[LOCAL_DISK_CAPACITY_ANNOTATION], String(node.localDiskBytes));
      t.equal(object.metadata.annotations['kwok.x-k8s.io/node'], 'fake', 'managed by kwok');
    }
  },
);

t.test('topology objects list one zone per NUMA node with per-zone VFs', async (t) => {
  const split = expandFixture(parseFixture(committed)).find((n) => n.className === 'split');
  t.ok(split);
  if (!split) return;
  const topo = topologyObject(split) as {
    apiVersion: string;
    zones: Array<{
      name: string;
      type: string;
      resources: Array<{ name: string; capacity: string; available: string }>;
    }>;
  };
  t.equal(topo.apiVersion, 'topology.node.k8s.io/v1alpha2');
  t.equal(topo.zones.length, split.zones.length);
  topo.zones.forEach((zone, i) => {
    t.equal(zone.type, 'Node');
    const vf = zone.resources.find((r) => r.name === SRIOV_VF_RESOURCE);
    t.equal(vf?.capacity, String(split.zones[i]?.sriovVFs));
    t.equal(vf?.available, vf?.capacity);
  });
});
