// Issue 14's fields realised by the controller on the running platform: a GPU request lands in
// the pod's requests and limits and, on a cluster whose nodes have no GPUs, the pod stays
// Pending with the default scheduler's reason; a shared data claim is created, owned by the
// service, and the same claim outlives a rolling update.

import t from 'tap';
import { eventually, kubectl, kubectlOk as ok, testNamespace } from '../../../support/cluster.ts';

async function json<T>(args: string[]): Promise<T | undefined> {
  const r = await kubectl([...args, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
}

interface Pod {
  spec: {
    containers: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

t.test(
  "a GPU request is in requests and limits, and the pod waits with the scheduler's reason",
  async (t) => {
    const ns = await testNamespace(t, 'gpu');
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: trainer, namespace: ${ns}}
spec:
  image: registry.example/trainer:1.0.0
  resources: {cpu: 100m, extended: {nvidia.com/gpu: "1"}}
`,
    );
    const pending = await eventually('the pod to be marked unschedulable', async () => {
      const list = await json<{ items: Pod[] }>([
        '-n',
        ns,
        'get',
        'pods',
        '-l',
        'kubehpc.dev/service=trainer',
      ]);
      const pod = list?.items[0];
      const scheduled = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return scheduled?.status === 'False' ? { pod, scheduled } : undefined;
    });
    const resources = pending.pod?.spec.containers[0]?.resources;
    t.equal(resources?.limits?.['nvidia.com/gpu'], '1');
    t.equal(resources?.requests?.['nvidia.com/gpu'], '1');
    t.equal(pending.scheduled.reason, 'Unschedulable');
    t.match(pending.scheduled.message, /Insufficient nvidia\.com\/gpu/);
  },
);

t.test('the shared data claim is created, owned, and the same claim after a rolling update', async (t) => {
  const ns = await testNamespace(t, 'data');
  const manifest = (image: string) => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: store, namespace: ${ns}}
spec:
  image: ${image}
  data: {mountPath: /shared, size: 1Gi}
`;
  await ok(['apply', '-f', '-'], manifest('registry.example/store:1'));
  const ps = await json<{ metadata: { uid: string } }>(['-n', ns, 'get', 'projectservice', 'store']);
  interface Claim {
    metadata: {
      uid: string;
      ownerReferences?: { uid: string; controller?: boolean; kind: string }[];
      deletionTimestamp?: string;
    };
    spec: { accessModes: string[]; resources: { requests: { storage: string } } };
  }
  const claim = await eventually('the claim', () => json<Claim>(['-n', ns, 'get', 'pvc', 'store-shared']));
  t.same(claim.spec.resources.requests, { storage: '1Gi' });
  t.same(claim.spec.accessModes, ['ReadWriteMany']);
  const owner = claim.metadata.ownerReferences?.[0];
  t.equal(owner?.kind, 'ProjectService');
  t.equal(owner?.uid, ps?.metadata.uid);
  t.equal(owner?.controller, true);
  const volumes = await ok([
    '-n',
    ns,
    'get',
    'deployment',
    'store',
    '-o',
    'jsonpath={.spec.template.spec.volumes}',
  ]);
  t.same(JSON.parse(volumes), [{ name: 'shared', persistentVolumeClaim: { claimName: 'store-shared' } }]);

  await ok(['apply', '-f', '-'], manifest('registry.example/store:2'));
  await eventually('the Deployment to roll to the new image', async () => {
    const image = await ok([
      '-n',
      ns,
      'get',
      'deployment',
      'store',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    return image === 'registry.example/store:2' ? true : undefined;
  });
  await eventually('the new ReplicaSet', async () => {
    const out = await ok(['-n', ns, 'get', 'replicasets', '-l', 'kubehpc.dev/service=store', '-o', 'name']);
    return out.trim().split('\n').length >= 2 ? true : undefined;
  });
  const after = await json<Claim>(['-n', ns, 'get', 'pvc', 'store-shared']);
  t.equal(after?.metadata.uid, claim.metadata.uid, 'the same claim, so the same data');
  t.equal(after?.metadata.deletionTimestamp, undefined);
});
