// Exec credential plugins run as kubectl runs them (KUBERNETES_EXEC_INFO set, stdout an
// ExecCredential), and token files are read at connect time.

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { credentials, parseExecCredential } from '../../../../common/kube/credentials.ts';
import type { RestConfig } from '../../../../common/kube/kubeconfig.ts';

const base: RestConfig = {
  server: 'https://s',
  contextName: 'x',
  clusterName: 'c',
  userName: 'u',
  namespace: 'default',
  namespaceExplicit: false,
  insecure: false,
};

t.test('an exec plugin gets KUBERNETES_EXEC_INFO and its env, and its token is used', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'exec-'));
  const script = join(dir, 'plugin.sh');
  writeFileSync(
    script,
    `#!/bin/sh\necho "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"$TEAM-$1-$(echo "$KUBERNETES_EXEC_INFO" | grep -c ExecCredential)\\"}}"\n`,
  );
  chmodSync(script, 0o755);
  const creds = await credentials({
    ...base,
    exec: { command: script, args: ['arg'], env: [{ name: 'TEAM', value: 'hpc' }] },
  });
  t.equal(creds.token, 'hpc-arg-1');
});

t.test('a failing or missing exec plugin is a clear error', async (t) => {
  await t.rejects(credentials({ ...base, exec: { command: '/nonexistent/plugin' } }), /was not found/);
  await t.rejects(
    credentials({ ...base, exec: { command: 'false' } }),
    /exec credential plugin false failed/,
  );
});

t.test('ExecCredential output is checked', async (t) => {
  t.throws(() => parseExecCredential('not json', 'p'), /did not print an ExecCredential/);
  t.throws(() => parseExecCredential('{"kind":"ExecCredential","status":{}}', 'p'), /neither a token nor/);
  const pair = parseExecCredential(
    '{"kind":"ExecCredential","status":{"clientCertificateData":"C","clientKeyData":"K"}}',
    'p',
  );
  t.same([pair.cert?.toString(), pair.key?.toString(), pair.token], ['C', 'K', undefined]);
});

t.test('a token file is read when connecting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'token-'));
  writeFileSync(join(dir, 'token'), 'rotated\n');
  t.equal((await credentials({ ...base, tokenFile: join(dir, 'token') })).token, 'rotated');
});
