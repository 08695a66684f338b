import type { KubernetesObject } from '@kubernetes/client-node';
import t from 'tap';
import { parse } from 'yaml';
import { localKustomization, splitRegistration } from '../../../platform/src/install.ts';

t.test('the platform kustomization adds port and caBundle to the local overlay APIServices', async (t) => {
  const k = parse(localKustomization('../../manifests/overlays/local', 27008, 'PEM')) as {
    kind: string;
    resources: string[];
    patches: Array<{ target: Record<string, string>; patch: string }>;
  };
  t.equal(k.kind, 'Kustomization');
  t.same(k.resources, ['../../manifests/overlays/local']);
  t.same(k.patches[0]?.target, { group: 'apiregistration.k8s.io', kind: 'APIService' });
  t.same(JSON.parse(k.patches[0]?.patch ?? '[]'), [
    { op: 'add', path: '/spec/caBundle', value: Buffer.from('PEM').toString('base64') },
    { op: 'replace', path: '/spec/service/port', value: 27008 },
  ]);
});

t.test('APIServices are held back; namespaces, CRDs and identities go first', async (t) => {
  const o = (kind: string, name: string): KubernetesObject => ({ kind, metadata: { name } });
  const { foundation, apiServices } = splitRegistration([
    o('ClusterRoleBinding', 'b'),
    o('APIService', 'v1alpha1.apps.kubehpc.dev'),
    o('ServiceAccount', 'sa'),
    o('Service', 'svc'),
    o('CustomResourceDefinition', 'crd'),
    o('Namespace', 'ns'),
    o('ClusterRole', 'r'),
  ]);
  t.same(
    foundation.map((x) => x.kind),
    [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Service',
    ],
  );
  t.same(
    apiServices.map((x) => x.metadata?.name),
    ['v1alpha1.apps.kubehpc.dev'],
  );
});
