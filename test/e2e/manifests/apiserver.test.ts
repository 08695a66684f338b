// The production overlay's API server, its etcd and the controllers hang together: the
// Services select the pods, the APIServices point at the API server's Service, probes, the
// serving certificate and etcd's TLS are wired, replicas spread over nodes and PDBs keep
// quorum and availability through drains.

import { join } from 'node:path';
import t from 'tap';
import { type Doc, documents, kustomize, MANIFESTS } from './render.ts';

const docs = documents((await kustomize(join(MANIFESTS, 'overlays/production'))).stdout);
const find = (kind: string, name: string): Doc => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind}/${name} in the production overlay`);
  return doc;
};
const flag = (args: string[], name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field
const mountOf = (spec: any, container: any, secretName: string): string | undefined => {
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field
  const volume = spec.volumes.find((v: any) => v.secret?.secretName === secretName);
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field
  return container.volumeMounts.find((m: any) => m.name === volume?.name)?.mountPath;
};

t.test('API server: three spread replicas, probes, serving certificate, etcd client TLS', async (t) => {
  const spec = find('Deployment', 'kubehpc-apiserver').spec;
  const pods = spec.template.metadata.labels;
  t.equal(spec.replicas, 3);
  t.match(pods, spec.selector.matchLabels, 'the selector matches the pod template');
  const antiAffinity =
    spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  t.equal(antiAffinity[0].topologyKey, 'kubernetes.io/hostname', 'replicas are kept on different nodes');
  t.match(pods, antiAffinity[0].labelSelector.matchLabels);

  const [container] = spec.template.spec.containers;
  t.equal(container.args[0], 'apiserver', 'the image runs the API server');
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'https', scheme: 'HTTPS' });
  t.same(container.livenessProbe.httpGet, { path: '/livez', port: 'https', scheme: 'HTTPS' });
  t.ok(container.resources.requests.cpu && container.resources.limits.memory, 'requests and limits');
  const https = container.ports.find((p: { name: string }) => p.name === 'https');
  t.equal(String(https?.containerPort), flag(container.args, 'secure-port'), 'listens where it says');
  const serving = mountOf(spec.template.spec, container, 'kubehpc-apiserver-serving');
  t.ok(serving, 'the serving certificate Secret is mounted');
  t.equal(flag(container.args, 'tls-cert-file'), `${serving}/tls.crt`);
  const etcdClient = mountOf(spec.template.spec, container, 'kubehpc-apiserver-etcd-client');
  for (const [f, file] of [
    ['etcd-cafile', 'ca.crt'],
    ['etcd-certfile', 'tls.crt'],
    ['etcd-keyfile', 'tls.key'],
  ])
    t.equal(flag(container.args, f as string), `${etcdClient}/${file}`);

  const etcdService = find('Service', 'kubehpc-etcd');
  t.equal(
    flag(container.args, 'etcd-servers'),
    `https://${etcdService.metadata.name}.${etcdService.metadata.namespace}.svc:${etcdService.spec.ports[0].port}`,
    'the API server dials etcd through its client Service',
  );

  const serviceAccount = find('ServiceAccount', spec.template.spec.serviceAccountName);
  for (const [kind, name] of [
    ['ClusterRoleBinding', 'kubehpc-apiserver:system:auth-delegator'],
    ['RoleBinding', 'kubehpc-apiserver-auth-reader'],
  ]) {
    t.same(
      find(kind as string, name as string).subjects,
      [
        {
          kind: 'ServiceAccount',
          name: serviceAccount.metadata.name,
          namespace: serviceAccount.metadata.namespace,
        },
      ],
      `${name} binds the ServiceAccount, and no one else in production`,
    );
  }

  const service = find('Service', 'kubehpc-apiserver');
  t.match(pods, service.spec.selector, 'the Service selects the pods');
  t.equal(service.spec.ports[0].targetPort, 'https');
  const pdb = find('PodDisruptionBudget', 'kubehpc-apiserver');
  t.equal(pdb.spec.minAvailable, 2);
  t.match(pods, pdb.spec.selector.matchLabels);
  const registrations = docs.filter((d) => d.kind === 'APIService');
  t.same(registrations.map((a) => a.metadata.name).sort(), [
    'v1alpha1.apps.kubehpc.dev',
    'v1alpha1.scaling.kubehpc.dev',
  ]);
  for (const a of registrations) {
    t.same(a.spec.service, {
      name: service.metadata.name,
      namespace: service.metadata.namespace,
      port: service.spec.ports[0].port,
    });
    t.notOk(a.spec.insecureSkipTLSVerify, 'the aggregator verifies the server');
  }
});

t.test('etcd: three members that name each other, TLS to peers and clients, a quorum PDB', async (t) => {
  const sts = find('StatefulSet', 'kubehpc-etcd');
  const spec = sts.spec;
  t.equal(spec.replicas, 3);
  const peer = find('Service', spec.serviceName);
  t.equal(peer.spec.clusterIP, 'None', 'members get DNS names from a headless Service');
  t.equal(peer.spec.publishNotReadyAddresses, true, 'published before ready, so the cluster can form');
  const [container] = spec.template.spec.containers;
  const args: string[] = container.args;
  const members = (flag(args, 'initial-cluster') ?? '').split(',');
  t.same(
    members.map((m) => m.split('=')[0]),
    Array.from({ length: spec.replicas }, (_, i) => `${sts.metadata.name}-${i}`),
    'the initial cluster lists every member by its pod name',
  );
  for (const m of members)
    t.match(m, new RegExp(`^[^=]+=https://[^.]+\\.${spec.serviceName}\\.`), 'peers speak TLS');
  for (const f of ['client-cert-auth', 'peer-client-cert-auth']) t.equal(flag(args, f), 'true', `--${f}`);
  t.match(flag(args, 'listen-client-urls'), /^https:/);
  const server = mountOf(spec.template.spec, container, 'kubehpc-etcd-server');
  const peerTls = mountOf(spec.template.spec, container, 'kubehpc-etcd-peer');
  t.equal(flag(args, 'cert-file'), `${server}/tls.crt`);
  t.equal(flag(args, 'peer-cert-file'), `${peerTls}/tls.crt`);
  t.same(
    container.volumeMounts.find(
      (m: { name: string }) => m.name === spec.volumeClaimTemplates[0].metadata.name,
    )?.mountPath,
    '/var/lib/etcd',
    'data on a persistent volume',
  );
  t.match(flag(args, 'data-dir'), /^\/var\/lib\/etcd\//);
  t.equal(container.livenessProbe.httpGet.path, '/livez');
  t.equal(container.readinessProbe.httpGet.path, '/readyz');
  const pdb = find('PodDisruptionBudget', 'kubehpc-etcd');
  t.equal(pdb.spec.minAvailable, Math.floor(spec.replicas / 2) + 1, 'a drain never breaks quorum');
  t.match(spec.template.metadata.labels, pdb.spec.selector.matchLabels);
});

t.test('controllers: two replicas with Lease leader election, as their own ServiceAccount', async (t) => {
  const spec = find('Deployment', 'kubehpc-controllers').spec;
  t.equal(spec.replicas, 2);
  const [container] = spec.template.spec.containers;
  t.equal(container.args[0], 'controllers');
  t.equal(flag(container.args, 'leader-elect'), 'true');
  t.equal(flag(container.args, 'lease-namespace'), 'kubehpc-system');
  const binding = find('ClusterRoleBinding', 'kubehpc:controller-manager');
  t.same(binding.subjects, [
    { kind: 'ServiceAccount', name: spec.template.spec.serviceAccountName, namespace: 'kubehpc-system' },
  ]);
  const role = find('ClusterRole', binding.roleRef.name);
  t.ok(
    role.rules.some(
      (r: { apiGroups: string[]; resources: string[]; verbs: string[] }) =>
        r.apiGroups.includes('coordination.k8s.io') &&
        r.resources.includes('leases') &&
        r.verbs.includes('update'),
    ),
    'may hold the Lease',
  );
});

t.test('scheduler extender: its Service, and a scheduler configuration that calls it there', async (t) => {
  const deployment = find('Deployment', 'kubehpc-scheduler-extender');
  const service = find('Service', 'kubehpc-scheduler-extender');
  t.match(deployment.spec.template.metadata.labels, service.spec.selector);
  const config = find('ConfigMap', 'kubehpc-scheduler-config');
  t.match(
    config.data['kube-scheduler-config.yaml'],
    `urlPrefix: http://${service.metadata.name}.${service.metadata.namespace}.svc:${service.spec.ports[0].port}`,
  );
});
