// The device plugin's manifests (DaemonSet, ConfigMap, RBAC) pass server-side dry-run
// against the local control plane, and the DaemonSet mounts the generated ConfigMap.

import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { kubectl } from '../../support/cluster.ts';

t.test('kustomize build passes kubectl apply --dry-run=server', async (t) => {
  const built = await kubectl(['kustomize', 'manifests/device-plugins']);
  t.equal(built.code, 0, built.stderr);
  interface Doc {
    kind: string;
    metadata: { name: string };
    spec?: { template: { spec: { volumes: Array<{ name: string; configMap?: { name: string } }> } } };
  }
  const docs = parseAllDocuments(built.stdout).map((d) => d.toJSON() as Doc);
  const kinds = docs.map((d) => d.kind).sort();
  t.same(kinds, ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'ServiceAccount']);
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  const daemonSet = docs.find((d) => d.kind === 'DaemonSet');
  const volume = daemonSet?.spec?.template.spec.volumes.find((v) => v.name === 'config');
  t.equal(volume?.configMap?.name, configMap?.metadata.name, 'the DaemonSet mounts the generated ConfigMap');

  // The kubehpc-system namespace comes from kubehpc's base; without it, dry-run in default.
  const namespace = await kubectl(['get', 'namespace', 'kubehpc-system']);
  const input =
    namespace.code === 0
      ? built.stdout
      : built.stdout.replaceAll('namespace: kubehpc-system', 'namespace: default');
  const dryRun = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input });
  t.equal(dryRun.code, 0, dryRun.stderr);
  t.match(
    dryRun.stdout,
    /^daemonset\.apps\/kubehpc-device-plugin (created|configured|unchanged) \(server dry run\)$/m,
    'the DaemonSet itself passes the server dry run',
  );
});
