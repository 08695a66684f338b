// The hand-over of common/kube's configuration to client-node: client-node sees the
// cluster, identity and namespace kubectl's rules chose (not its own last-wins merge), with
// every kind of credential kubectl supports carried over — checked on the HTTPS options
// client-node derives for its requests, which is what its informers use.

import { mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { clientNodeConfig, loadClientNodeConfig } from '../../../../common/kube/clientnode.ts';
import { KubeconfigError, type RestConfig } from '../../../../common/kube/kubeconfig.ts';

const base: RestConfig = {
  server: 'https://k.example:6443',
  contextName: 'ctx',
  clusterName: 'c',
  userName: 'u',
  namespace: 'team-a',
  namespaceExplicit: true,
  insecure: false,
};

async function httpsOptions(config: RestConfig): Promise<RequestOptions> {
  const options: RequestOptions = {};
  await clientNodeConfig(config).applyToHTTPSOptions(options);
  return options;
}

t.test(
  'KUBECONFIG: the first file to define a name wins, as in kubectl (client-node takes the last)',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'clientnode-'));
    const doc = (server: string, namespace: string, current?: string) => ({
      ...(current ? { 'current-context': current } : {}),
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token: 'tok' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u', namespace } }],
    });
    writeFileSync(join(dir, 'a'), stringify(doc('https://a.example:6443', 'from-a', 'x')));
    writeFileSync(join(dir, 'b'), stringify(doc('https://b.example:6443', 'from-b', 'x')));
    const kc = loadClientNodeConfig({}, { KUBECONFIG: `${join(dir, 'a')}:${join(dir, 'b')}`, HOME: dir });
    t.equal(kc.getCurrentCluster()?.server, 'https://a.example:6443');
    t.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'from-a');
    const explicit = loadClientNodeConfig({ kubeconfig: join(dir, 'b') }, { HOME: dir });
    t.equal(explicit.getCurrentCluster()?.server, 'https://b.example:6443', '--kubeconfig names one file');
    t.throws(() => loadClientNodeConfig({ kubeconfig: join(dir, 'absent') }, { HOME: dir }), KubeconfigError);
  },
);

t.test('no configuration at all is a KubeconfigError, not a silent localhost default', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clientnode-empty-'));
  t.throws(() => loadClientNodeConfig({}, { HOME: dir }), KubeconfigError);
});

t.test('client certificates and the CA reach the TLS options', async (t) => {
  const options = await httpsOptions({
    ...base,
    ca: Buffer.from('CA PEM'),
    cert: Buffer.from('CERT PEM'),
    key: Buffer.from('KEY PEM'),
    tlsServerName: 'kubernetes.default',
  });
  t.equal(String(options.ca), 'CA PEM');
  t.equal(String(options.cert), 'CERT PEM');
  t.equal(String(options.key), 'KEY PEM');
  t.equal(options.servername, 'kubernetes.default');
  t.not(options.rejectUnauthorized, false, 'the server is verified');
});

t.test('a bearer token, a token file (re-read as it rotates) and impersonation become headers', async (t) => {
  const token = await httpsOptions({ ...base, token: 'secret', impersonate: { user: 'bob', groups: [] } });
  t.equal((token.headers as Record<string, string>).Authorization, 'Bearer secret');
  t.equal((token.headers as Record<string, string>)['Impersonate-User'], 'bob');
  const dir = mkdtempSync(join(tmpdir(), 'clientnode-token-'));
  writeFileSync(join(dir, 'token'), 'from-file');
  const fromFile = await httpsOptions({ ...base, tokenFile: join(dir, 'token') });
  t.equal((fromFile.headers as Record<string, string>).Authorization, 'Bearer from-file');
  const insecure = await httpsOptions({ ...base, insecure: true });
  t.equal(insecure.rejectUnauthorized, false);
});

t.test('an exec credential plugin is handed over as kubectl would run it', async (t) => {
  const kc = clientNodeConfig({
    ...base,
    exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'get-token', args: ['--x'] },
  });
  t.match(kc.getCurrentUser()?.exec, { command: 'get-token', args: ['--x'] });
});

t.test('impersonating groups is refused with a clear error (client-node cannot send them)', async (t) => {
  t.throws(() => clientNodeConfig({ ...base, impersonate: { user: 'bob', groups: ['g'] } }), KubeconfigError);
});
