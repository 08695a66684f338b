// The simulated nodes are real Node objects the real scheduler places pods on.
import t from 'tap';
import { LOCAL_DISK_CAPACITY_ANNOTATION, SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { loadFixture } from '../../../platform/src/nodes.ts';
import { eventually, kubectl, platform, testNamespace } from '../../support/cluster.ts';

interface NodeJson {
  metadata: { name: string; annotations?: Record<string, string> };
  status: { capacity: Record<string, string>; conditions?: Array<{ type: string; status: string }> };
}

const fixture = await loadFixture(platform.repoRoot);

t.test('kubectl get nodes lists every fixture node Ready with its VFs and disk', async (t) => {
  const result = await kubectl(['get', 'nodes', '-o', 'json']);
  t.equal(result.code, 0, result.stderr);
  const nodes = (JSON.parse(result.stdout) as { items: NodeJson[] }).items;
  for (const expected of fixture) {
    const node = nodes.find((n) => n.metadata.name === expected.name);
    t.ok(node, `${expected.name} exists`);
    if (!node) continue;
    const ready = node.status.conditions?.find((c) => c.type === 'Ready');
    t.equal(ready?.status, 'True', `${expected.name} Ready`);
    t.equal(node.status.capacity.cpu, String(expected.cpus));
    t.equal(
      node.status.capacity[SRIOV_VF_RESOURCE],
      expected.sriovVFs > 0 ? String(expected.sriovVFs) : undefined,
    );
    t.equal(node.metadata.annotations?.[LOCAL_DISK_CAPACITY_ANNOTATION], String(expected.localDiskBytes));
  }
  const table = await kubectl(['get', 'nodes']);
  t.match(table.stdout, /hpc-0\s+Ready/);
});

t.test('each node has a NodeResourceTopology with its NUMA zones', async (t) => {
  const result = await kubectl(['get', 'noderesourcetopologies.topology.node.k8s.io', '-o', 'json']);
  t.equal(result.code, 0, result.stderr);
  const items = (
    JSON.parse(result.stdout) as {
      items: Array<{
        metadata: { name: string };
        zones: Array<{ name: string; resources: Array<{ name: string; capacity: string }> }>;
      }>;
    }
  ).items;
  for (const expected of fixture) {
    const topo = items.find((i) => i.metadata.name === expected.name);
    t.ok(topo, `${expected.name} topology`);
    t.same(
      topo?.zones.map((z) => z.resources.find((r) => r.name === SRIOV_VF_RESOURCE)?.capacity ?? '0'),
      expected.zones.map((z) => String(z.sriovVFs)),
      `${expected.name} VFs per zone`,
    );
  }
});

t.test('a Deployment gets Running pods on the simulated nodes', async (t) => {
  const ns = await testNamespace(t, 'deploy');
  const created = await kubectl([
    '-n',
    ns,
    'create',
    'deployment',
    'hello',
    '--image=registry.example/hello:1',
    '--replicas=3',
  ]);
  t.equal(created.code, 0, created.stderr);
  const pods = await eventually('3 Running pods', async () => {
    const r = await kubectl(['-n', ns, 'get', 'pods', '-l', 'app=hello', '-o', 'json']);
    const items = (
      JSON.parse(r.stdout) as { items: Array<{ spec: { nodeName?: string }; status: { phase: string } }> }
    ).items;
    return items.length === 3 && items.every((p) => p.status.phase === 'Running') ? items : undefined;
  });
  const names = new Set(fixture.map((n) => n.name));
  for (const pod of pods)
    t.ok(names.has(pod.spec.nodeName ?? ''), `placed on a fixture node (${pod.spec.nodeName})`);
  const rollout = await kubectl(['-n', ns, 'rollout', 'status', 'deployment/hello', '--timeout=60s']);
  t.equal(rollout.code, 0, rollout.stderr);
});

t.test('the scheduler counts VFs: a pod asking for VFs lands only where VFs exist', async (t) => {
  const ns = await testNamespace(t, 'vf');
  const withVFs = new Set(fixture.filter((n) => n.sriovVFs >= 2).map((n) => n.name));
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'needs-vfs', namespace: ns },
    spec: {
      containers: [
        { name: 'app', image: 'registry.example/app:1', resources: { limits: { [SRIOV_VF_RESOURCE]: '2' } } },
      ],
    },
  };
  const created = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
  t.equal(created.code, 0, created.stderr);
  const node = await eventually('the pod to be bound', async () => {
    const r = await kubectl(['-n', ns, 'get', 'pod', 'needs-vfs', '-o', 'jsonpath={.spec.nodeName}']);
    return r.stdout || undefined;
  });
  t.ok(withVFs.has(node), `bound to ${node}, a node with at least 2 VFs`);

  const tooMany = { ...pod, metadata: { name: 'too-many-vfs', namespace: ns } };
  tooMany.spec = {
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1',
        resources: { limits: { [SRIOV_VF_RESOURCE]: '1000' } },
      },
    ],
  };
  t.equal((await kubectl(['apply', '-f', '-'], { input: JSON.stringify(tooMany) })).code, 0);
  const reason = await eventually('a FailedScheduling event', async () => {
    const r = await kubectl([
      '-n',
      ns,
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=too-many-vfs,reason=FailedScheduling',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    return r.stdout || undefined;
  });
  t.match(reason, /Insufficient kubehpc\.dev\/sriov-vf/);
});
