// The API server's Kustomize base renders, hangs together (the Service selects the
// Deployment's pods, the APIServices point at that Service, the probes and the serving
// certificate are wired) and passes kubectl apply --dry-run=server against the local control
// plane — without disturbing the live registration of the locally running server.

import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { kubectl } from '../../support/cluster.ts';

interface Probe {
  httpGet: { path: string; port: string; scheme: string };
}
interface Container {
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe: Probe;
  livenessProbe: Probe;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}
interface DeploymentSpec {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: {
    metadata: { labels: Record<string, string> };
    spec: {
      serviceAccountName: string;
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: Array<{
            topologyKey: string;
            labelSelector: { matchLabels: Record<string, string> };
          }>;
        };
      };
      containers: Container[];
      volumes: Array<{ name: string; secret?: { secretName: string } }>;
    };
  };
}

const flag = (args: string[], name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

const apiServices = async () => {
  const r = await kubectl(['get', 'apiservices', '-o', 'json']);
  const items = (JSON.parse(r.stdout) as { items: Array<Doc & { status?: unknown }> }).items;
  return items.filter((s) => s.metadata.name.endsWith('.kubehpc.dev'));
};

t.test('kustomize build passes kubectl apply --dry-run=server', async (t) => {
  const built = await kubectl(['kustomize', 'manifests/apiserver']);
  t.equal(built.code, 0, built.stderr);
  const docs = parseAllDocuments(built.stdout).map((d) => d.toJSON() as Doc);
  const one = (kind: string) => docs.filter((d) => d.kind === kind);

  t.same([...new Set(docs.map((d) => d.kind))].sort(), [
    'APIService',
    'ClusterRole',
    'ClusterRoleBinding',
    'Deployment',
    'Namespace',
    'PodDisruptionBudget',
    'RoleBinding',
    'Service',
    'ServiceAccount',
  ]);
  t.same(
    one('Namespace').map((d) => d.metadata.name),
    ['kubehpc-system'],
  );

  const [deployment] = one('Deployment');
  const spec = deployment?.spec as unknown as DeploymentSpec;
  const pods = spec.template.metadata.labels;
  t.equal(spec.replicas, 3);
  t.match(pods, spec.selector.matchLabels, 'the selector matches the pod template');
  const antiAffinity =
    spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  t.ok(
    antiAffinity.some((a) => a.topologyKey === 'kubernetes.io/hostname'),
    'replicas are kept on different nodes',
  );
  t.match(pods, antiAffinity[0]?.labelSelector.matchLabels, 'anti-affinity selects the replicas');

  const [container] = spec.template.spec.containers;
  if (!container) throw new Error('no container');
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'https', scheme: 'HTTPS' });
  t.same(container.livenessProbe.httpGet, { path: '/livez', port: 'https', scheme: 'HTTPS' });
  const https = container.ports.find((p) => p.name === 'https');
  t.equal(String(https?.containerPort), flag(container.args, 'secure-port'), 'listens where it says');
  for (const f of ['etcd-servers', 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile'])
    t.ok(flag(container.args, f), `--${f} is set`);
  const serving = spec.template.spec.volumes.find(
    (v) => v.secret?.secretName === 'kubehpc-apiserver-serving',
  );
  const mount = container.volumeMounts.find((m) => m.name === serving?.name);
  t.ok(mount, 'the serving certificate Secret is mounted');
  t.ok(flag(container.args, 'tls-cert-file')?.startsWith(`${mount?.mountPath}/`), 'and served');

  const serviceAccount = one('ServiceAccount')[0]?.metadata;
  t.equal(spec.template.spec.serviceAccountName, serviceAccount?.name);
  for (const name of ['kubehpc-apiserver:system:auth-delegator', 'kubehpc-apiserver-auth-reader']) {
    const binding = docs.find((d) => d.metadata.name === name);
    t.ok(
      binding?.subjects?.some(
        (s) =>
          s.kind === 'ServiceAccount' &&
          s.name === serviceAccount?.name &&
          s.namespace === serviceAccount?.namespace,
      ),
      `${name} binds the ServiceAccount`,
    );
  }

  const [service] = one('Service');
  const serviceSpec = service?.spec as {
    selector: Record<string, string>;
    ports: Array<{ port: number; targetPort: string }>;
  };
  t.match(pods, serviceSpec.selector, 'the Service selects the pods');
  t.equal(serviceSpec.ports[0]?.targetPort, 'https');

  const [pdb] = one('PodDisruptionBudget');
  const pdbSpec = pdb?.spec as { minAvailable: number; selector: { matchLabels: Record<string, string> } };
  t.equal(pdbSpec.minAvailable, 2);
  t.match(pods, pdbSpec.selector.matchLabels);

  const registrations = one('APIService');
  t.same(registrations.map((a) => a.metadata.name).sort(), [
    'v1alpha1.apps.kubehpc.dev',
    'v1alpha1.scaling.kubehpc.dev',
  ]);
  for (const a of registrations) {
    t.same((a.spec as { service: unknown }).service, {
      name: service?.metadata.name,
      namespace: service?.metadata.namespace,
      port: serviceSpec.ports[0]?.port,
    });
    t.match(a.metadata.annotations?.['cert-manager.io/inject-ca-from'], /^kubehpc-system\//);
  }

  const before = await apiServices();
  const dryRun = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: built.stdout });
  t.equal(dryRun.code, 0, 'every object passes server-side dry run', { stderr: dryRun.stderr });
  for (const kind of ['deployment.apps', 'poddisruptionbudget.policy', 'apiservice.apiregistration.k8s.io'])
    t.match(dryRun.stdout, new RegExp(`${kind}/\\S+ (created|configured|unchanged) \\(server dry run\\)`));
  const after = await apiServices();
  t.same(
    after.map((a) => [a.metadata.name, a.spec]),
    before.map((a) => [a.metadata.name, a.spec]),
    'the dry run stored nothing: the live registration is unchanged',
  );
});
