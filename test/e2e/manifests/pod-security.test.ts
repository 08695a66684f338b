// The production overlay's pods meet Pod Security "restricted" — the level its
// kubehpc-system namespace enforces — shown by creating each workload's pod (server-side dry
// run) in a namespace enforcing that level: etcd, the API server, the controllers and the
// scheduler extender are admitted without a warning. The device plugin, which needs host
// paths, is refused there: the check is live, and the plugin lives in kubehpc-devices.

import { join } from 'node:path';
import t from 'tap';
import { kubectl, testNamespace } from '../../support/cluster.ts';
import { type Doc, documents, kustomize, MANIFESTS } from './render.ts';

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
};

const production = documents((await kustomize(join(MANIFESTS, 'overlays/production'))).stdout);

/** The pod a workload makes, as its controller would: a StatefulSet's claims become volumes. */
function podOf(workload: Doc, namespace: string): string {
  const name = `${workload.metadata.name}-0`;
  const claims = (workload.spec.volumeClaimTemplates ?? []).map((c: { metadata: { name: string } }) => ({
    name: c.metadata.name,
    persistentVolumeClaim: { claimName: `${c.metadata.name}-${name}` },
  }));
  const spec = workload.spec.template.spec;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: workload.spec.template.metadata.labels },
    spec: { ...spec, volumes: [...(spec.volumes ?? []), ...claims] },
  });
}

/** The workloads' ServiceAccounts, in the test's namespace (the pods name them). */
async function serviceAccounts(namespace: string): Promise<void> {
  for (const sa of production.filter((d) => d.kind === 'ServiceAccount')) {
    const created = await kubectl(['-n', namespace, 'create', 'serviceaccount', sa.metadata.name]);
    if (created.code !== 0) throw new Error(created.stderr);
  }
}

async function restrictedNamespace(t: Parameters<typeof testNamespace>[0]): Promise<string> {
  const namespace = await testNamespace(t, 'psa');
  const labels = Object.entries(RESTRICTED).map(([k, v]) => `${k}=${v}`);
  const labelled = await kubectl(['label', 'namespace', namespace, ...labels]);
  if (labelled.code !== 0) throw new Error(labelled.stderr);
  await serviceAccounts(namespace);
  return namespace;
}

t.test(
  'the production namespaces enforce restricted (kubehpc-system) and privileged (kubehpc-devices)',
  async (t) => {
    const ns = (name: string) => production.find((d) => d.kind === 'Namespace' && d.metadata.name === name);
    t.match(ns('kubehpc-system')?.metadata.labels, RESTRICTED);
    t.equal(ns('kubehpc-devices')?.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'privileged');
    for (const d of production.filter((d) => ['Deployment', 'StatefulSet'].includes(d.kind))) {
      t.equal(d.metadata.namespace, 'kubehpc-system', `${d.kind}/${d.metadata.name} is in kubehpc-system`);
    }
  },
);

t.test('etcd, API server, controllers and extender pods are admitted under restricted', async (t) => {
  const namespace = await restrictedNamespace(t);
  const workloads = production.filter((d) => ['Deployment', 'StatefulSet'].includes(d.kind));
  t.same(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort(), [
    'Deployment/kubehpc-apiserver',
    'Deployment/kubehpc-controllers',
    'Deployment/kubehpc-scheduler-extender',
    'StatefulSet/kubehpc-etcd',
  ]);
  for (const workload of workloads) {
    const created = await kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], {
      input: podOf(workload, namespace),
    });
    t.equal(created.code, 0, `${workload.metadata.name}: ${created.stderr}`);
    t.notMatch(created.stderr, /violate/i, `${workload.metadata.name}: no Pod Security warning`);
    t.match(created.stdout, /^pod\//);
  }
});

t.test('the device plugin pod is refused under restricted (the check bites)', async (t) => {
  const namespace = await restrictedNamespace(t);
  const plugin = production.find((d) => d.kind === 'DaemonSet');
  if (!plugin) throw new Error('no device plugin DaemonSet');
  const refused = await kubectl(['create', '--dry-run=server', '-f', '-'], {
    input: podOf(plugin, namespace),
  });
  t.not(refused.code, 0);
  t.match(refused.stderr, /violates PodSecurity "restricted:latest"/);
  t.match(refused.stderr, /hostPath/);
});
