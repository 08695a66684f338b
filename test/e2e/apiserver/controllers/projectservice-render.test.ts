// The ProjectService controller's rendered objects against the real kube-apiserver, by
// server-side dry run in a namespace that enforces Pod Security "restricted": the API accepts
// every child as rendered, a pod made from the template passes the restricted profile (a
// Deployment is only warned about, a Pod is refused, so the pod is what proves it), and what
// the server returns — defaults filled in, quantities canonicalised — is no drift.

import t, { type Test } from 'tap';
import { drift } from '../../../../apiserver/src/controllers/projectservice/drift.ts';
import { render } from '../../../../apiserver/src/controllers/projectservice/render.ts';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { kubectl, testNamespace } from '../../../support/cluster.ts';
import {
  missionExample,
  projectService,
} from '../../../unit/apiserver/controllers/projectservice/fixtures.ts';

async function restrictedNamespace(t: Test): Promise<string> {
  const ns = await testNamespace(t, 'ps-render');
  const labelled = await kubectl([
    'label',
    'namespace',
    ns,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/warn=restricted',
  ]);
  if (labelled.code !== 0) throw new Error(`labelling ${ns}: ${labelled.stderr}`);
  return ns;
}

async function dryRun(object: object): Promise<{ code: number; live: unknown; stderr: string }> {
  const r = await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], {
    input: JSON.stringify(object),
  });
  return { code: r.code, live: r.code === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

function inNamespace(ps: ProjectService, ns: string): ProjectService {
  return { ...ps, metadata: { ...ps.metadata, namespace: ns } };
}

const variants: Array<[string, () => ProjectService, { localDiskStorageClass?: string }]> = [
  [
    'the mission example, local disk through a StorageClass',
    missionExample,
    { localDiskStorageClass: 'topolvm' },
  ],
  ['the mission example, local disk as an emptyDir', missionExample, {}],
  ['a minimal service', () => projectService(), {}],
  [
    'a restart-on-change service with a tcp check and UDP port',
    () =>
      projectService({
        ports: [
          { name: 'grpc', port: 9000 },
          { name: 'stats', port: 8125, protocol: 'UDP' },
        ],
        config: {
          mountPath: '/etc/app',
          files: { 'a.conf': 'x=1', '.env': 'A=1', 'UPPER_case-1.yml': 'k: v' },
          onChange: 'Restart',
        },
        healthCheck: { tcp: { port: 'grpc' }, initialDelaySeconds: 5 },
        resources: { cpu: '1500m', memory: '1024Mi' },
        command: ['/bin/app'],
        args: ['--serve'],
        env: [{ name: 'EMPTY', value: '' }],
      }),
    {},
  ],
  [
    'every field of issue 14: Secret/ConfigMap env, Secret files, pull secrets, GPUs, placement, shared data',
    () =>
      projectService({
        core: true,
        env: [
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode', optional: true } } },
        ],
        envFrom: [{ secretRef: { name: 'keys' }, prefix: 'KEY_' }, { configMapRef: { name: 'settings' } }],
        secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
        imagePullSecrets: [{ name: 'registry' }],
        resources: { cpu: '1', memory: '1Gi', extended: { 'nvidia.com/gpu': '1', 'example.org/fpga': '2' } },
        placement: {
          nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
          tolerations: [
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            {
              key: 'maintenance',
              operator: 'Equal',
              value: 'soon',
              effect: 'NoExecute',
              tolerationSeconds: 60,
            },
          ],
        },
        data: { mountPath: '/shared', size: '10Gi', storageClassName: 'standard' },
      }),
    {},
  ],
  [
    'required spread and an existing read-only claim',
    () =>
      projectService({
        placement: { spread: 'NodesRequired' },
        data: { mountPath: '/archive', claimName: 'archive', readOnly: true },
      }),
    {},
  ],
];

for (const [name, make, options] of variants) {
  t.test(
    `${name}: accepted as rendered, restricted-compliant, and in sync with what the server returns`,
    async (t) => {
      const ns = await restrictedNamespace(t);
      const ps = inNamespace(make(), ns);
      const children = render(ps, options);
      for (const child of [children.deployment, children.service, children.configMap, children.dataClaim]) {
        if (!child) continue;
        const r = await dryRun(child);
        t.equal(r.code, 0, `${child.kind} accepted: ${r.stderr}`);
        t.notMatch(r.stderr, /violate PodSecurity/, `${child.kind} draws no Pod Security warning`);
        t.same(
          drift(child, r.live as typeof child, ps.metadata.uid ?? ''),
          { state: 'InSync' },
          `${child.kind} as returned is in sync`,
        );
      }
      const template = children.deployment.spec?.template;
      const pod = await dryRun({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...template?.metadata, name: 'portal-probe', namespace: ns },
        spec: template?.spec,
      });
      t.equal(pod.code, 0, `a pod from the template is admitted under enforce=restricted: ${pod.stderr}`);
    },
  );
}

t.test('the restricted namespace really refuses a pod that breaks the profile', async (t) => {
  const ns = await restrictedNamespace(t);
  const template = render(inNamespace(projectService(), ns)).deployment.spec?.template;
  const container = { ...template?.spec?.containers[0], securityContext: { allowPrivilegeEscalation: true } };
  const pod = await dryRun({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'escalating', namespace: ns },
    spec: { ...template?.spec, containers: [container] },
  });
  t.not(pod.code, 0);
  t.match(pod.stderr, /violates PodSecurity "restricted/);
});
