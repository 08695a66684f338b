// Rendering of the fields of issue 14: each spec field lands where Kubernetes expects it in the
// Deployment's pod template (or as the shared data claim), and nothing more is added.

import type { V1PodSpec } from '@kubernetes/client-node';
import t from 'tap';
import { SHARED_DATA_VOLUME } from '../../../../../apiserver/src/controllers/projectservice/data.ts';
import { render } from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import {
  NODE_CLASS_LABEL,
  REAL_NODE_ANNOTATION,
  REAL_NODE_TAINT,
  SERVICE_LABEL,
} from '../../../../../common/names.ts';
import { projectService, UID } from './fixtures.ts';

const podSpec = (children: ReturnType<typeof render>): V1PodSpec => {
  const spec = children.deployment.spec?.template.spec;
  if (!spec) throw new Error('no pod spec');
  return spec;
};
const container = (children: ReturnType<typeof render>) => {
  const c = podSpec(children).containers[0];
  if (!c) throw new Error('no container');
  return c;
};

t.test('env values from a Secret and a ConfigMap, and whole sources with a prefix', async (t) => {
  const children = render(
    projectService({
      env: [
        { name: 'PLAIN', value: 'x' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode', optional: true } } },
      ],
      envFrom: [{ secretRef: { name: 'api-keys' }, prefix: 'KEY_' }, { configMapRef: { name: 'settings' } }],
    }),
  );
  const c = container(children);
  t.same(c.env, [
    { name: 'PLAIN', value: 'x' },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db' } } },
    { name: 'MODE', valueFrom: { configMapKeyRef: { key: 'mode', name: 'settings', optional: true } } },
  ]);
  t.same(c.envFrom, [
    { secretRef: { name: 'api-keys' }, prefix: 'KEY_' },
    { configMapRef: { name: 'settings' } },
  ]);
});

t.test('Secret files are a read-only secret volume; pull secrets go to the pod', async (t) => {
  const children = render(
    projectService({
      secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
      imagePullSecrets: [{ name: 'registry' }],
    }),
  );
  t.same(podSpec(children).volumes, [{ name: 'secret-0', secret: { secretName: 'tls' } }]);
  t.same(container(children).volumeMounts, [{ mountPath: '/etc/tls', name: 'secret-0', readOnly: true }]);
  t.same(podSpec(children).imagePullSecrets, [{ name: 'registry' }]);
});

t.test('extended resources are requests and limits alike, beside cpu and memory', async (t) => {
  const c = container(
    render(
      projectService({
        resources: { cpu: '1', extended: { 'nvidia.com/gpu': '2', 'example.org/fpga': '1' } },
      }),
    ),
  );
  const want = { cpu: '1', 'example.org/fpga': '1', 'nvidia.com/gpu': '2' };
  t.same(c.resources?.limits, want);
  t.same(c.resources?.requests, want);
  t.same(Object.keys(c.resources?.limits ?? {}), Object.keys(want), 'keys sorted, so the template is stable');
});

t.test('node selector and tolerations, merged after the real-node stand-in', async (t) => {
  const spec = podSpec(
    render(
      projectService(
        {
          placement: {
            nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
            tolerations: [
              { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
              { key: 'maintenance', value: 'soon', effect: 'NoExecute', tolerationSeconds: 60 },
            ],
          },
        },
        { annotations: { [REAL_NODE_ANNOTATION]: 'true' } },
      ),
    ),
  );
  t.same(spec.nodeSelector, { [NODE_CLASS_LABEL]: 'real', 'node.kubehpc.dev/pool': 'gpu' });
  t.same(spec.tolerations, [
    { effect: 'NoSchedule', key: REAL_NODE_TAINT, operator: 'Exists' },
    { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' },
    { effect: 'NoExecute', key: 'maintenance', operator: 'Equal', tolerationSeconds: 60, value: 'soon' },
  ]);
});

t.test(
  'spread: preferred anti-affinity for Nodes (the core default), required for NodesRequired',
  async (t) => {
    const term = {
      labelSelector: { matchLabels: { [SERVICE_LABEL]: 'portal' } },
      topologyKey: 'kubernetes.io/hostname',
    };
    t.same(podSpec(render(projectService({ core: true }))).affinity, {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: term, weight: 100 }],
      },
    });
    t.same(podSpec(render(projectService({ placement: { spread: 'NodesRequired' } }))).affinity, {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] },
    });
    t.equal(podSpec(render(projectService({}))).affinity, undefined, 'none for a plain service');
    t.equal(
      podSpec(render(projectService({ core: true, placement: { spread: 'None' } }))).affinity,
      undefined,
    );
  },
);

t.test('shared data by size: an owned claim named after the service, mounted with fsGroup', async (t) => {
  const children = render(
    projectService({ data: { mountPath: '/shared', size: '10Gi', storageClassName: 'fast' } }),
  );
  t.same(children.dataClaim, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: 'portal-shared',
      namespace: 'climate',
      labels: children.dataClaim?.metadata?.labels,
      ownerReferences: [
        {
          apiVersion: 'apps.kubehpc.dev/v1alpha1',
          kind: 'ProjectService',
          name: 'portal',
          uid: UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: 'fast',
    },
  });
  t.equal(children.dataClaim?.metadata?.labels?.['app.kubernetes.io/component'], 'storage');
  t.same(podSpec(children).volumes, [
    { name: SHARED_DATA_VOLUME, persistentVolumeClaim: { claimName: 'portal-shared' } },
  ]);
  t.same(container(children).volumeMounts, [{ mountPath: '/shared', name: SHARED_DATA_VOLUME }]);
  t.ok(podSpec(children).securityContext?.fsGroup, 'a non-root process can write to the new volume');
});

t.test('the claim survives a rolling update: a new template renders the same claim', async (t) => {
  const data = { mountPath: '/shared', size: '10Gi' };
  const before = render(projectService({ data, image: 'registry.example/portal:1' }));
  const after = render(projectService({ data, image: 'registry.example/portal:2' }));
  t.not(JSON.stringify(before.deployment.spec?.template), JSON.stringify(after.deployment.spec?.template));
  t.same(after.dataClaim, before.dataClaim);
});

t.test('an existing claim is mounted, not created', async (t) => {
  const children = render(
    projectService({ data: { mountPath: '/shared', claimName: 'archive', readOnly: true } }),
  );
  t.equal(children.dataClaim, undefined);
  t.same(podSpec(children).volumes, [
    { name: SHARED_DATA_VOLUME, persistentVolumeClaim: { claimName: 'archive', readOnly: true } },
  ]);
  t.same(container(children).volumeMounts, [
    { mountPath: '/shared', name: SHARED_DATA_VOLUME, readOnly: true },
  ]);
});
