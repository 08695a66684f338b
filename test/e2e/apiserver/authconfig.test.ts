// The front-proxy CA comes from a watched ConfigMap: rotating it in the ConfigMap changes who
// the running server trusts, with no restart. The test feeds an in-process server its own
// copy of kube-system/extension-apiserver-authentication and rotates the requestheader CA
// away from the platform's front-proxy CA and back.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import t from 'tap';
import { kubeConfigMapClient } from '../../../apiserver/src/server/auth/authconfig.ts';
import { ensurePki, pkiPlan } from '../../../platform/src/pki.ts';
import { adminKubeConfig, eventually, objects, platform, testNamespace } from '../../support/cluster.ts';
import { call, startTestServer } from './support.ts';

const client = objects();
const ns = await testNamespace(t, 'authcm');
const pki = (file: string) => readFileSync(join(platform.pkiDir, file), 'utf8');
// A front-proxy CA of another cluster: it signed nothing this platform uses.
const foreign = await mkdtemp(join(tmpdir(), 'kubehpc-authcm-'));
t.teardown(() => rm(foreign, { recursive: true, force: true }));
await ensurePki(foreign, pkiPlan('10.96.0.1'));
const foreignCA = readFileSync(join(foreign, 'front-proxy-ca.crt'), 'utf8');

// The server's own identity may read ConfigMaps in the test namespace only.
await client.create({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'read-auth-config', namespace: ns },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
} as never);
await client.create({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'read-auth-config', namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-auth-config' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'kubehpc:apiserver' }],
} as never);

const live = (await client.read({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: 'kube-system', name: 'extension-apiserver-authentication' },
})) as { data: Record<string, string> };
const withProxyCA = (pem: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'auth', namespace: ns },
  data: { ...live.data, 'requestheader-client-ca-file': pem },
});
await client.create(withProxyCA(foreignCA));

const server = await startTestServer({ args: [`--authentication-config-map=${ns}/auth`] });
t.teardown(() => server.running.stop());

const asProxy = () =>
  call(server.port, 'GET', '/apis/apps.kubehpc.dev/v1alpha1', {
    as: 'front-proxy-client',
    headers: { 'X-Remote-User': 'alice', 'X-Remote-Group': 'system:masters' },
  });

t.test('the front proxy is trusted exactly while its CA is in the watched ConfigMap', async (t) => {
  t.equal((await asProxy()).status, 401, 'not trusted before the rotation');
  t.equal(
    (await call(server.port, 'GET', '/apis/apps.kubehpc.dev/v1alpha1')).status,
    200,
    'client certificates are still verified against the client CA',
  );

  await client.replace(withProxyCA(pki('front-proxy-ca.crt')));
  await eventually('the rotated-in CA to be trusted', async () =>
    (await asProxy()).status === 200 ? true : undefined,
  );

  await client.replace(withProxyCA(foreignCA));
  await eventually('the rotated-out CA to be distrusted', async () =>
    (await asProxy()).status === 401 ? true : undefined,
  );
  t.pass('rotated in and out without a restart');
});

t.test('the configuration is read at a resourceVersion a watch can start from', async (t) => {
  // The object's own resourceVersion is that of its last change; once etcd compacted past it
  // (every 5 minutes), a watch from it ended at once with 410 and the re-read gave the same
  // version: a read and a watch every second, forever. The read must give the list's.
  const kc = adminKubeConfig();
  const name = 'auth-read';
  await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data: { a: '1' },
  });
  const later: KubernetesObject = await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'written-later', namespace: ns },
  } as KubernetesObject);
  const state = await kubeConfigMapClient(kc).read({ namespace: ns, name });
  t.same(state.data, { a: '1' });
  t.ok(
    Number(state.resourceVersion) >= Number(later.metadata?.resourceVersion),
    `read at ${state.resourceVersion}, at or after the newest write ${later.metadata?.resourceVersion}`,
  );
  await t.rejects(kubeConfigMapClient(kc).read({ namespace: ns, name: 'missing' }), /not found/);
});
