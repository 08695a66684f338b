// The production overlay's device plugin: a DaemonSet in its own namespace mounting the
// generated pool ConfigMap, its ServiceAccount bound to the NodeResourceTopology writer role,
// and its pod spec passing a server-side dry run against the local control plane.

import { join } from 'node:path';
import t from 'tap';
import { kubectl } from '../../support/cluster.ts';
import { documents, kustomize, MANIFESTS } from './render.ts';

t.test('the device plugin DaemonSet, its config and its identity hang together', async (t) => {
  const docs = documents((await kustomize(join(MANIFESTS, 'overlays/production'))).stdout);
  const daemonSet = docs.find((d) => d.kind === 'DaemonSet');
  const configMap = docs.find(
    (d) => d.kind === 'ConfigMap' && d.metadata.name.startsWith('kubehpc-device-plugin-config'),
  );
  if (!daemonSet || !configMap) throw new Error('no DaemonSet or ConfigMap');
  t.equal(daemonSet.metadata.namespace, 'kubehpc-devices');
  t.equal(configMap.metadata.namespace, 'kubehpc-devices');
  t.match(
    configMap.metadata.name,
    /^kubehpc-device-plugin-config-[a-z0-9]+$/,
    'a content hash rolls the pods',
  );
  const spec = daemonSet.spec.template.spec;
  const volume = spec.volumes.find((v: { name: string }) => v.name === 'config');
  t.equal(volume?.configMap?.name, configMap.metadata.name, 'the DaemonSet mounts the generated ConfigMap');
  t.equal(spec.containers[0].args[0], 'device-plugin');
  const binding = docs.find(
    (d) => d.kind === 'ClusterRoleBinding' && d.metadata.name === 'kubehpc:device-plugin',
  );
  t.same(binding?.subjects, [
    { kind: 'ServiceAccount', name: spec.serviceAccountName, namespace: 'kubehpc-devices' },
  ]);
  const sa = docs.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === spec.serviceAccountName);
  t.equal(sa?.metadata.namespace, 'kubehpc-devices');

  const dryRun = await kubectl(['apply', '--dry-run=server', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [daemonSet, configMap] }),
  });
  t.equal(dryRun.code, 0, dryRun.stderr);
  t.match(
    dryRun.stdout,
    /daemonset\.apps\/kubehpc-device-plugin (created|configured|unchanged) \(server dry run\)/,
  );
});
