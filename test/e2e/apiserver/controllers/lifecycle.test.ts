// The ProjectService controller on the running platform, through kubectl only: a service is
// realised as an owned Deployment, Service and ConfigMap whose pods run on simulated nodes;
// a live config change reaches the ConfigMap without touching a pod; an image change rolls
// the Deployment and status follows the generation; a Deployment deleted by hand comes back
// with an Event saying so; deleting the service lets the garbage collector remove the rest.

import t from 'tap';
import {
  eventually,
  kubectlJson as json,
  kubectl,
  kubectlOk as ok,
  testNamespace,
} from '../../../support/cluster.ts';

const NAME = 'portal';

/** `kubectl wait` until the service's status.phase is `phase`. */
const phaseReached = (ns: string, phase: string, timeout: string) =>
  kubectl([
    '-n',
    ns,
    'wait',
    `ps/${NAME}`,
    `--for=jsonpath={.status.phase}=${phase}`,
    `--timeout=${timeout}`,
  ]);

const projectService = (ns: string, image: string, config: string) => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: ${NAME}, namespace: ${ns}}
spec:
  image: ${image}
  replicas: 3
  ports: [{name: http, port: 8080}]
  config:
    mountPath: /app/config
    onChange: Live
    files:
      application.yml: "${config}"
`;

interface Meta {
  name: string;
  uid: string;
  generation?: number;
  labels?: Record<string, string>;
  ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
}
interface Pod {
  metadata: Meta;
  spec: { nodeName?: string };
  status: { phase?: string };
}

async function runningPods(ns: string): Promise<Pod[]> {
  const pods = await json<{ items: Pod[] }>(['-n', ns, 'get', 'pods', '-l', `kubehpc.dev/service=${NAME}`]);
  return pods.items.filter((p) => p.status.phase === 'Running');
}

t.test('a ProjectService is realised, updated, repaired and deleted', async (t) => {
  const ns = await testNamespace(t, 'ps-life');
  await ok(['apply', '-f', '-'], projectService(ns, 'registry.example/portal:1.4.2', 'level: info'));
  const ps = await json<{ metadata: Meta }>(['-n', ns, 'get', 'ps', NAME]);

  await t.test('children exist, owned by the service', async (t) => {
    for (const [kind, name] of [
      ['deployment', NAME],
      ['service', NAME],
      ['configmap', `${NAME}-config`],
    ] as const) {
      const child = await eventually(`${kind} ${name}`, async () => {
        const r = await kubectl(['-n', ns, 'get', kind, name, '-o', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as { metadata: Meta }) : undefined;
      });
      const owner = child.metadata.ownerReferences?.find((o) => o.controller === true);
      t.same(
        { kind: owner?.kind, name: owner?.name, uid: owner?.uid },
        { kind: 'ProjectService', name: NAME, uid: ps.metadata.uid },
        `${kind} is controlled by the ProjectService`,
      );
    }
    const cm = await json<{ data: Record<string, string> }>(['-n', ns, 'get', 'configmap', `${NAME}-config`]);
    t.same(cm.data, { 'application.yml': 'level: info' }, 'the ConfigMap holds the config file');
  });

  await t.test('3 pods run on simulated nodes and kubectl get ps shows 3/3 Running', async (t) => {
    const waited = await phaseReached(ns, 'Running', '90s');
    t.equal(waited.code, 0, waited.stderr);
    const pods = await runningPods(ns);
    t.equal(pods.length, 3, 'three pods Running');
    const nodes = await json<{
      items: Array<{ metadata: { name: string; annotations?: Record<string, string> } }>;
    }>(['get', 'nodes']);
    const simulated = new Set(
      nodes.items
        .filter((n) => n.metadata.annotations?.['kwok.x-k8s.io/node'] === 'fake')
        .map((n) => n.metadata.name),
    );
    t.ok(
      pods.every((p) => p.spec.nodeName !== undefined && simulated.has(p.spec.nodeName)),
      'every pod is on a kwok node',
    );
    const row = await ok(['-n', ns, 'get', 'ps', NAME, '--no-headers']);
    t.match(row, /^portal\s+3\/3\s+Running\s/, 'the table says 3/3 Running');
  });

  await t.test('a live config change updates the ConfigMap and restarts no pod', async (t) => {
    const before = (await runningPods(ns)).map((p) => `${p.metadata.name}/${p.metadata.uid}`).sort();
    const hashBefore = (await runningPods(ns))[0]?.metadata.labels?.['pod-template-hash'];
    await ok(['apply', '-f', '-'], projectService(ns, 'registry.example/portal:1.4.2', 'level: debug'));
    await eventually('the ConfigMap to hold the new file', async () => {
      const cm = await json<{ data: Record<string, string> }>([
        '-n',
        ns,
        'get',
        'configmap',
        `${NAME}-config`,
      ]);
      return cm.data['application.yml'] === 'level: debug' ? true : undefined;
    });
    const generation = (await json<{ metadata: Meta }>(['-n', ns, 'get', 'ps', NAME])).metadata.generation;
    await eventually('status to observe the config generation', async () => {
      const now = await json<{ status: { observedGeneration?: number; phase?: string } }>([
        '-n',
        ns,
        'get',
        'ps',
        NAME,
      ]);
      return now.status.observedGeneration === generation && now.status.phase === 'Running'
        ? true
        : undefined;
    });
    const after = await runningPods(ns);
    t.same(
      after.map((p) => `${p.metadata.name}/${p.metadata.uid}`).sort(),
      before,
      'the same pods, same uids',
    );
    t.ok(
      after.every((p) => p.metadata.labels?.['pod-template-hash'] === hashBefore),
      'the same pod template',
    );
  });

  await t.test('an image change rolls a new ReplicaSet and status follows the generation', async (t) => {
    const hashBefore = (await runningPods(ns))[0]?.metadata.labels?.['pod-template-hash'];
    await ok(['apply', '-f', '-'], projectService(ns, 'registry.example/portal:1.5.0', 'level: debug'));
    const generation = (await json<{ metadata: Meta }>(['-n', ns, 'get', 'ps', NAME])).metadata.generation;
    await eventually(
      'the rollout to finish with status at the new generation',
      async () => {
        const now = await json<{
          status: { observedGeneration?: number; phase?: string; updatedReplicas?: number };
        }>(['-n', ns, 'get', 'ps', NAME]);
        const pods = await runningPods(ns);
        const rolled =
          pods.length === 3 && pods.every((p) => p.metadata.labels?.['pod-template-hash'] !== hashBefore);
        return now.status.observedGeneration === generation && now.status.phase === 'Running' && rolled
          ? true
          : undefined;
      },
      90_000,
    );
    const deployment = await json<{ spec: { template: { spec: { containers: Array<{ image: string }> } } } }>(
      ['-n', ns, 'get', 'deployment', NAME],
    );
    t.equal(deployment.spec.template.spec.containers[0]?.image, 'registry.example/portal:1.5.0');
    const sets = await json<{ items: Array<{ metadata: Meta; spec: { replicas: number } }> }>([
      '-n',
      ns,
      'get',
      'replicasets',
      '-l',
      `kubehpc.dev/service=${NAME}`,
    ]);
    t.equal(sets.items.length, 2, 'the old and the new ReplicaSet');
    t.same(
      sets.items.map((s) => s.spec.replicas).sort(),
      [0, 3],
      'the new one runs all replicas, the old one none',
    );
  });

  await t.test('hand edits of owned fields are put back, and Events say so', async (t) => {
    await ok(['-n', ns, 'scale', 'deployment', NAME, '--replicas=1']);
    await ok([
      '-n',
      ns,
      'patch',
      'configmap',
      `${NAME}-config`,
      '--type=merge',
      '-p',
      '{"data":{"application.yml":"hacked"}}',
    ]);
    await eventually('the Deployment to be scaled back to 3', async () => {
      const replicas = await ok(['-n', ns, 'get', 'deployment', NAME, '-o', 'jsonpath={.spec.replicas}']);
      return replicas === '3' ? true : undefined;
    });
    await eventually("the ConfigMap to hold the spec's file again", async () => {
      const cm = await json<{ data: Record<string, string> }>([
        '-n',
        ns,
        'get',
        'configmap',
        `${NAME}-config`,
      ]);
      return cm.data['application.yml'] === 'level: debug' ? true : undefined;
    });
    const restored = await eventually('Restored events for both', async () => {
      const events = await json<{ items: Array<{ reason: string; message: string }> }>([
        '-n',
        ns,
        'get',
        'events',
      ]);
      const messages = events.items.filter((e) => e.reason === 'Restored').map((e) => e.message);
      return messages.some((m) => m.startsWith('Deployment')) &&
        messages.some((m) => m.startsWith('ConfigMap'))
        ? messages
        : undefined;
    });
    t.ok(
      restored.some((m) =>
        /Deployment portal was changed outside the controller: spec\.replicas is 1, want 3/.test(m),
      ),
      'the Deployment event names the field',
    );
  });

  await t.test('a Deployment deleted by hand is recreated, and an Event says so', async (t) => {
    const old = await json<{ metadata: Meta }>(['-n', ns, 'get', 'deployment', NAME]);
    await ok(['-n', ns, 'delete', 'deployment', NAME, '--wait=true']);
    const recreated = await eventually('the Deployment to come back', async () => {
      const r = await kubectl(['-n', ns, 'get', 'deployment', NAME, '-o', 'json']);
      if (r.code !== 0) return undefined;
      const d = JSON.parse(r.stdout) as { metadata: Meta };
      return d.metadata.uid !== old.metadata.uid ? d : undefined;
    });
    t.equal(recreated.metadata.ownerReferences?.[0]?.uid, ps.metadata.uid, 'owned by the service again');
    const event = await eventually('a Recreated event on the ProjectService', async () => {
      const events = await json<{
        items: Array<{
          reason: string;
          type: string;
          message: string;
          involvedObject: { kind: string; name: string };
        }>;
      }>(['-n', ns, 'get', 'events']);
      return events.items.find(
        (e) =>
          e.reason === 'Recreated' &&
          e.involvedObject.kind === 'ProjectService' &&
          e.involvedObject.name === NAME,
      );
    });
    t.equal(event.type, 'Warning');
    t.match(event.message, /Deployment portal was deleted/);
    await phaseReached(ns, 'Running', '90s');
  });

  await t.test('deleting the ProjectService removes everything it created', async (t) => {
    await ok(['-n', ns, 'delete', 'ps', NAME]);
    const left = await eventually(
      'the garbage collector to delete the children',
      async () => {
        const r = await ok([
          '-n',
          ns,
          'get',
          'deployments,services,configmaps,pods',
          '-l',
          `kubehpc.dev/service=${NAME}`,
          '-o',
          'name',
        ]);
        return r.trim() === '' ? r : undefined;
      },
      90_000,
    );
    t.equal(left.trim(), '', 'no Deployment, Service, ConfigMap or pod is left');
  });
});

t.test('a child name taken by someone else: nothing is built, status and an Event say why', async (t) => {
  const ns = await testNamespace(t, 'ps-conflict');
  await ok(['-n', ns, 'create', 'configmap', `${NAME}-config`, '--from-literal=owner=someone-else']);
  await ok(['apply', '-f', '-'], projectService(ns, 'registry.example/portal:1.4.2', 'level: info'));
  const waited = await phaseReached(ns, 'Failed', '60s');
  t.equal(waited.code, 0, waited.stderr);
  const ready = await ok([
    '-n',
    ns,
    'get',
    'ps',
    NAME,
    '-o',
    'jsonpath={.status.conditions[?(@.type=="Ready")].reason}',
  ]);
  t.equal(ready, 'NameConflict');
  const event = await eventually('a NameConflict event', async () => {
    const events = await json<{ items: Array<{ reason: string; message: string }> }>([
      '-n',
      ns,
      'get',
      'events',
    ]);
    return events.items.find((e) => e.reason === 'NameConflict');
  });
  t.match(event.message, /ConfigMap portal-config exists but is not managed by this ProjectService/);
  const cm = await json<{ data: Record<string, string> }>(['-n', ns, 'get', 'configmap', `${NAME}-config`]);
  t.same(cm.data, { owner: 'someone-else' }, 'the foreign ConfigMap is left alone');
  t.equal(
    (await kubectl(['-n', ns, 'get', 'deployment', NAME])).code,
    1,
    'no half-built service: no Deployment',
  );
});
