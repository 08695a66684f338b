// Every overlay renders without a warning and passes `kubectl apply --dry-run=server -k`
// against the local platform — production with every optional component too, its other
// projects' kinds (ServiceMonitor, PrometheusRule, Certificate, …) served by stand-in CRDs
// this test installs — and the dry runs store nothing.

import { join } from 'node:path';
import t from 'tap';
import { eventually, kubectl, platform } from '../../support/cluster.ts';
import { COMPONENTS, documents, kustomize, MANIFESTS, withComponents } from './render.ts';

const FOREIGN_CRDS = join(platform.repoRoot, 'test', 'e2e', 'manifests', 'fixtures', 'foreign-crds.yaml');

/** What a dry run must not change: the live registration and kubehpc's namespaces. */
async function liveState(): Promise<string> {
  const apiServices = await kubectl(['get', 'apiservices', '-o', 'json']);
  const namespaces = await kubectl(['get', 'namespaces', 'kubehpc-system', 'kubehpc-devices', '-o', 'json']);
  const pick = (json: string) =>
    (
      JSON.parse(json) as { items: Array<{ metadata: { name: string; labels?: unknown }; spec?: unknown }> }
    ).items
      .filter((i) => i.metadata.name.includes('kubehpc'))
      .map((i) => [i.metadata.name, i.metadata.labels, i.spec]);
  return JSON.stringify([pick(apiServices.stdout), pick(namespaces.stdout)]);
}

t.test('each overlay renders with kubectl kustomize, without warnings', async (t) => {
  for (const overlay of ['base', 'overlays/local', 'overlays/production']) {
    const built = await kustomize(join(MANIFESTS, overlay));
    t.equal(built.code, 0, `${overlay}: ${built.stderr}`);
    t.equal(built.stderr, '', `${overlay} renders without warnings`);
    t.ok(documents(built.stdout).length > 10, `${overlay} renders objects`);
  }
  const all = await kustomize(withComponents(t, 'overlays/production', COMPONENTS));
  t.equal(all.code, 0, all.stderr);
  t.equal(all.stderr, '', 'production with every component renders without warnings');
});

t.test('the local overlay is the cluster-wide half: no workloads', async (t) => {
  const docs = documents((await kustomize(join(MANIFESTS, 'overlays/local'))).stdout);
  const kinds = new Set(docs.map((d) => d.kind));
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) t.notOk(kinds.has(kind), `no ${kind}`);
  for (const kind of [
    'Namespace',
    'CustomResourceDefinition',
    'ClusterRole',
    'ClusterRoleBinding',
    'APIService',
  ])
    t.ok(kinds.has(kind), `has ${kind}`);
  const production = documents((await kustomize(join(MANIFESTS, 'overlays/production'))).stdout);
  const key = (d: { kind: string; metadata: { name: string } }) => `${d.kind}/${d.metadata.name}`;
  const roles = (list: typeof docs) =>
    list
      .filter((d) => d.kind === 'ClusterRole')
      .map((d) => [key(d), d.rules])
      .sort();
  t.same(roles(docs), roles(production), 'the same ClusterRoles as production, rule for rule');
  t.same(
    docs.filter((d) => d.kind === 'APIService').map((d) => [key(d), d.spec.group, d.spec.service.name]),
    production.filter((d) => d.kind === 'APIService').map((d) => [key(d), d.spec.group, d.spec.service.name]),
    'the same APIServices',
  );
});

t.test('production with every component passes kubectl apply --dry-run=server -k', async (t) => {
  const crds = await kubectl(['apply', '-f', FOREIGN_CRDS]);
  t.equal(crds.code, 0, crds.stderr);
  t.teardown(async () => {
    await kubectl(['delete', '-f', FOREIGN_CRDS, '--ignore-not-found', '--wait=false']);
  });
  await eventually(
    'stand-in CRDs established',
    async () => {
      const r = await kubectl(['wait', '--for=condition=Established', '-f', FOREIGN_CRDS, '--timeout=5s']);
      return r.code === 0 ? true : undefined;
    },
    60_000,
  );

  const before = await liveState();
  const dir = withComponents(t, 'overlays/production', COMPONENTS);
  const expected = documents((await kustomize(dir)).stdout);
  // kubectl may look kinds up before its discovery cache knows the new CRDs: retry briefly.
  const dryRun = await eventually(
    'a server-side dry run of production with every component',
    async () => {
      const r = await kubectl(['apply', '--dry-run=server', '-k', dir]);
      return r.code === 0 || !/no matches for kind|resource mapping not found/.test(r.stderr) ? r : undefined;
    },
    60_000,
  );
  t.equal(dryRun.code, 0, dryRun.stderr);
  const lines = dryRun.stdout.trim().split('\n');
  t.equal(lines.length, expected.length, 'one line per object');
  for (const line of lines) t.match(line, /\((server dry run)\)$/);
  for (const kind of [
    'statefulset.apps/kubehpc-etcd',
    'deployment.apps/kubehpc-apiserver',
    'deployment.apps/kubehpc-controllers',
    'deployment.apps/kubehpc-scheduler-extender',
    'daemonset.apps/kubehpc-device-plugin',
    'servicemonitor.monitoring.coreos.com/kubehpc-apiserver',
    'podmonitor.monitoring.coreos.com/kubehpc-device-plugin',
    'prometheusrule.monitoring.coreos.com/kubehpc',
    'certificate.cert-manager.io/kubehpc-apiserver-serving',
    'customresourcedefinition.apiextensions.k8s.io/noderesourcetopologies.topology.node.k8s.io',
  ]) {
    t.match(
      dryRun.stdout,
      new RegExp(`^${kind.replaceAll('.', '\\.')} (created|configured|unchanged) \\(server dry run\\)$`, 'm'),
    );
  }
  t.equal(await liveState(), before, 'the dry run stored nothing');
});

t.test('the local overlay passes kubectl apply --dry-run=server -k', async (t) => {
  const dryRun = await kubectl(['apply', '--dry-run=server', '-k', join(MANIFESTS, 'overlays/local')]);
  t.equal(dryRun.code, 0, dryRun.stderr);
  t.match(
    dryRun.stdout,
    /apiservice\.apiregistration\.k8s\.io\/v1alpha1\.apps\.kubehpc\.dev \w+ \(server dry run\)/,
  );
});
