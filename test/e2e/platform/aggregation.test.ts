// The aggregation layer is configured the way extension API servers expect.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { kubectl, platform } from '../../support/cluster.ts';

t.test('extension-apiserver-authentication has a requestheader CA distinct from the client CA', async (t) => {
  const result = await kubectl([
    '-n',
    'kube-system',
    'get',
    'configmap',
    'extension-apiserver-authentication',
    '-o',
    'json',
  ]);
  t.equal(result.code, 0, result.stderr);
  const data = (JSON.parse(result.stdout) as { data: Record<string, string> }).data;
  const clientCa = data['client-ca-file'] ?? '';
  const requestheaderCa = data['requestheader-client-ca-file'] ?? '';
  t.match(clientCa, /BEGIN CERTIFICATE/);
  t.match(requestheaderCa, /BEGIN CERTIFICATE/);
  t.not(requestheaderCa.trim(), clientCa.trim(), 'two different CAs');
  t.equal(
    requestheaderCa.trim(),
    (await readFile(join(platform.pkiDir, 'front-proxy-ca.crt'), 'utf8')).trim(),
  );
  t.same(JSON.parse(data['requestheader-allowed-names'] ?? 'null'), ['front-proxy-client']);
  t.same(JSON.parse(data['requestheader-username-headers'] ?? 'null'), ['X-Remote-User']);
  t.same(JSON.parse(data['requestheader-group-headers'] ?? 'null'), ['X-Remote-Group']);
  t.same(JSON.parse(data['requestheader-extra-headers-prefix'] ?? 'null'), ['X-Remote-Extra-']);
});

t.test('RBAC and Node authorization are on: an unprivileged identity is denied', async (t) => {
  const denied = await kubectl([
    'auth',
    'can-i',
    'create',
    'deployments',
    '--as=nobody@example.com',
    '-n',
    'default',
  ]);
  t.match(denied.stdout, /^no\b/);
  t.equal(denied.code, 1, 'kubectl auth can-i exits 1 on no');
  const admin = await kubectl(['auth', 'can-i', 'create', 'deployments', '-n', 'default']);
  t.equal(admin.stdout.trim(), 'yes');
  const node = await kubectl([
    'auth',
    'can-i',
    'get',
    'secrets',
    '--as=system:node:hpc-0',
    '--as-group=system:nodes',
    '-A',
  ]);
  t.match(node.stdout, /^no\b/, 'the Node authorizer limits a node to its own pods’ secrets');
});
