// Bad specs and what status says about them, on the running platform through kubectl only:
// a spec the controller could only half-build is refused at admission (422 naming the field,
// nothing stored); a spec that is valid but cannot be placed stays Pending with the
// scheduler's message, never Running; a config change under `onChange: Restart` rolls the
// pods onto a new pod template and ConfigApplied follows.

import t from 'tap';
import {
  eventually,
  kubectlJson as json,
  kubectl,
  kubectlOk as ok,
  testNamespace,
} from '../../../support/cluster.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface ProjectServiceStatus {
  phase?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}
interface ProjectServiceObject {
  metadata: { generation?: number };
  status?: ProjectServiceStatus;
}
interface Deployment {
  metadata: { generation?: number };
  spec: { template: { metadata?: { annotations?: Record<string, string> } } };
  status?: { observedGeneration?: number };
}
interface ReplicaSet {
  metadata: { name: string; labels?: Record<string, string> };
}
interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase?: string };
}

const condition = (status: ProjectServiceStatus | undefined, type: string) =>
  status?.conditions?.find((c) => c.type === type);

const manifest = (ns: string, name: string, spec: string) => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  image: registry.example/${name}:1
${spec}`;

t.test('specs the controller could only half-build are refused at admission', async (t) => {
  const ns = await testNamespace(t, 'ps-refused');
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'two ports with the same number',
      'clash',
      `  ports: [{name: http, port: 8080}, {name: admin, port: 8080}]`,
      /spec\.ports\[1\]\.port: Duplicate value: 8080/,
    ],
    [
      'a config file name climbing out of its directory',
      'climb',
      `  config: {mountPath: /app/config, files: {"../etc/passwd": "x"}}`,
      /spec\.config\.files: Invalid value: "\.\.\/etc\/passwd"/,
    ],
    [
      'a config file name with a slash',
      'slash',
      `  config: {mountPath: /app/config, files: {"conf/app.yml": "x"}}`,
      /spec\.config\.files: Invalid value: "conf\/app\.yml"/,
    ],
    [
      'local disk that is not a whole number of bytes',
      'fraction',
      `  hardware: {localDisk: 1500m}`,
      /spec\.hardware\.localDisk: Invalid value: "1500m": must be a whole number of bytes/,
    ],
    [
      'config mounted over the root directory',
      'root',
      `  config: {mountPath: /, files: {a.yml: "x"}}`,
      /spec\.config\.mountPath: Invalid value: "\/": must not be the root directory/,
    ],
    [
      'config mounted where the local disk is',
      'overdisk',
      `  hardware: {localDisk: 1Gi}\n  config: {mountPath: /data, files: {a.yml: "x"}}`,
      /spec\.config\.mountPath: Invalid value: "\/data": must differ from \/data/,
    ],
    [
      'a health check on a UDP port',
      'udpcheck',
      `  ports: [{name: dns, port: 53, protocol: UDP}]\n  healthCheck: {tcp: {port: dns}}`,
      /spec\.healthCheck\.tcp\.port: Invalid value: "dns": must name a TCP port/,
    ],
  ];
  for (const [what, name, spec, cause] of cases) {
    await t.test(`${what}: 422 naming the field, nothing stored`, async (t) => {
      const r = await kubectl(['apply', '-f', '-'], { input: manifest(ns, name, spec) });
      t.not(r.code, 0, 'kubectl apply fails');
      t.match(r.stderr, /is invalid/, 'the server answers Invalid (422)');
      t.match(r.stderr, cause, 'the cause names the field');
      const get = await kubectl(['-n', ns, 'get', 'ps', name]);
      t.match(get.stderr, /NotFound/, 'no ProjectService was stored');
      const deployment = await kubectl(['-n', ns, 'get', 'deployment', name]);
      t.match(deployment.stderr, /NotFound/, 'no Deployment was made');
    });
  }
});

t.test('single-NUMA placement without whole CPUs is admitted with a warning', async (t) => {
  const ns = await testNamespace(t, 'ps-warned');
  const r = await kubectl(['apply', '-f', '-'], {
    input: manifest(ns, 'numa', `  hardware: {numa: SingleNode}`),
  });
  t.equal(r.code, 0, 'kubectl apply succeeds');
  t.match(r.stderr, /Warning: spec\.hardware\.numa: SingleNode without spec\.resources\.cpu and memory/);
});

t.test('more VFs per replica than any node has: Pending with the scheduler message', async (t) => {
  const ns = await testNamespace(t, 'ps-unsched');
  await ok(['apply', '-f', '-'], manifest(ns, 'greedy', `  replicas: 1\n  hardware: {sriovVFs: 64}`));
  const status = await eventually(
    'the scheduler verdict in status',
    async () => {
      const ps = await json<ProjectServiceObject>(['-n', ns, 'get', 'ps', 'greedy']);
      return condition(ps.status, 'Ready')?.reason === 'Unschedulable' ? ps.status : undefined;
    },
    90_000,
  );
  t.equal(status?.phase, 'Pending', 'the phase is Pending');
  t.match(
    condition(status, 'Ready'),
    { status: 'False', message: /Insufficient kubehpc\.dev\/sriov-vf/ },
    'Ready is False with the scheduler message',
  );
  const pods = await json<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', 'kubehpc.dev/service=greedy']);
  t.ok(pods.items.length > 0, 'the Deployment made a pod');
  t.ok(
    pods.items.every((p) => p.status.phase === 'Pending'),
    'every pod is still Pending',
  );
});

t.test('onChange: Restart rolls the pods onto the new files and ConfigApplied follows', async (t) => {
  const ns = await testNamespace(t, 'ps-restart');
  const service = (level: string) =>
    manifest(
      ns,
      'solver',
      `  replicas: 2
  config:
    mountPath: /app/config
    onChange: Restart
    files: {app.yml: "level: ${level}"}`,
    );
  await ok(['apply', '-f', '-'], service('info'));

  const settled = async (generation: number) =>
    eventually(
      `ProjectService at generation ${generation} Running with ConfigApplied`,
      async () => {
        const ps = await json<ProjectServiceObject>(['-n', ns, 'get', 'ps', 'solver']);
        const applied = condition(ps.status, 'ConfigApplied');
        return ps.status?.observedGeneration === generation &&
          ps.status.phase === 'Running' &&
          applied?.status === 'True'
          ? ps
          : undefined;
      },
      120_000,
    );
  const first = await settled(1);
  t.equal(condition(first.status, 'ConfigApplied')?.reason, 'ReplicasRestarted', 'restart mode says so');
  const before = await json<Deployment>(['-n', ns, 'get', 'deployment', 'solver']);
  const hashBefore = before.spec.template.metadata?.annotations?.['kubehpc.dev/config-hash'];
  t.ok(hashBefore, 'the pod template carries the config hash');
  const podsBefore = await json<{ items: Pod[] }>([
    '-n',
    ns,
    'get',
    'pods',
    '-l',
    'kubehpc.dev/service=solver',
  ]);
  const templateBefore = new Set(podsBefore.items.map((p) => p.metadata.labels?.['pod-template-hash']));

  await ok(['apply', '-f', '-'], service('debug'));
  const second = await settled(2);
  t.equal(condition(second.status, 'ConfigApplied')?.reason, 'ReplicasRestarted', 'every replica restarted');

  const after = await json<Deployment>(['-n', ns, 'get', 'deployment', 'solver']);
  const hashAfter = after.spec.template.metadata?.annotations?.['kubehpc.dev/config-hash'];
  t.ok(hashAfter, 'the new template carries a config hash');
  t.not(hashAfter, hashBefore, 'the config hash changed');
  const sets = await json<{ items: ReplicaSet[] }>([
    '-n',
    ns,
    'get',
    'replicasets',
    '-l',
    'kubehpc.dev/service=solver',
  ]);
  t.ok(sets.items.length >= 2, 'the change made a new ReplicaSet');
  const podsAfter = await eventually('only new-template pods running', async () => {
    const pods = await json<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', 'kubehpc.dev/service=solver']);
    const running = pods.items.filter((p) => p.status.phase === 'Running');
    return running.length === 2 &&
      running.every((p) => !templateBefore.has(p.metadata.labels?.['pod-template-hash']))
      ? running
      : undefined;
  });
  t.equal(podsAfter.length, 2, 'both replicas run the new template');
  const cm = await json<{ data: Record<string, string> }>(['-n', ns, 'get', 'configmap', 'solver-config']);
  t.same(cm.data, { 'app.yml': 'level: debug' }, 'the ConfigMap holds the new file');
});
