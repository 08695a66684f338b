// `npm run up` installed the local overlay: the live cluster differs in nothing from what
// manifests/overlays/local renders for this platform (.local/manifests adds the APIServices'
// port and CA), so the RBAC, roles, CRD and APIServices tested here are the ones users get.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { kubectl, platform } from '../../support/cluster.ts';
import { documents, kustomize } from './render.ts';

const PLATFORM_KUSTOMIZATION = join(platform.localDir, 'manifests');

t.test('the live cluster holds exactly the local overlay', async (t) => {
  const diff = await kubectl([
    'diff',
    '--server-side',
    '--field-manager=kubehpc-platform',
    '--force-conflicts',
    '-k',
    PLATFORM_KUSTOMIZATION,
  ]);
  t.equal(diff.code, 0, `no difference (kubectl diff exits 1 on one):\n${diff.stdout}${diff.stderr}`);
});

t.test('the platform kustomization builds on the shipped overlay and only adds port and CA', async (t) => {
  const rendered = documents((await kustomize(PLATFORM_KUSTOMIZATION)).stdout);
  const apiServices = rendered.filter((d) => d.kind === 'APIService');
  t.equal(apiServices.length, 2);
  const ca = readFileSync(join(platform.pkiDir, 'ca.crt'));
  for (const a of apiServices) {
    t.equal(a.spec.service.port, platform.ports.kubehpcApiserver);
    t.equal(Buffer.from(a.spec.caBundle, 'base64').toString(), ca.toString());
  }
  const live = await kubectl(['get', 'apiservice', 'v1alpha1.apps.kubehpc.dev', '-o', 'json']);
  const status = JSON.parse(live.stdout) as {
    status: { conditions: Array<{ type: string; status: string }> };
  };
  t.ok(
    status.status.conditions.some((c) => c.type === 'Available' && c.status === 'True'),
    'and the registration it applied is Available',
  );
});

t.test('the local identities are bound through the shipped bindings', async (t) => {
  for (const [user, verb, resource] of [
    ['kubehpc:apiserver', 'create', 'subjectaccessreviews.authorization.k8s.io'],
    ['kubehpc:controller-manager', 'create', 'deployments.apps'],
    ['kubehpc:scheduler-extender', 'watch', 'noderesourcetopologies.topology.node.k8s.io'],
  ] as const) {
    const can = await kubectl(['auth', 'can-i', verb, resource, `--as=${user}`, '-A']);
    t.equal(can.stdout.trim(), 'yes', `${user} may ${verb} ${resource}`);
  }
  const cannot = await kubectl([
    'auth',
    'can-i',
    'create',
    'deployments.apps',
    '--as=kubehpc:scheduler-extender',
    '-A',
  ]);
  t.equal(cannot.stdout.trim(), 'no', 'the extender only reads');
});
