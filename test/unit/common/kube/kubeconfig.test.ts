// kubectl's kubeconfig rules, on real files in a temporary directory: first file wins for
// every name and for current-context, duplicates allowed, missing KUBECONFIG entries skipped,
// an explicit --kubeconfig must exist, paths relative to their file, overrides, in-cluster.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import {
  inClusterConfig,
  KubeconfigError,
  loadKubeconfig,
  loadRestConfig,
  resolve,
} from '../../../../common/kube/kubeconfig.ts';

function files(docs: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
  for (const [name, doc] of Object.entries(docs)) writeFileSync(join(dir, name), stringify(doc));
  return dir;
}

const cluster = (name: string, server: string) => ({ name, cluster: { server } });
const context = (name: string, cluster: string, user: string, namespace?: string) => ({
  name,
  context: { cluster, user, ...(namespace ? { namespace } : {}) },
});
const user = (name: string, token: string) => ({ name, user: { token } });

t.test('across KUBECONFIG files the first file to define a name or current-context wins', async (t) => {
  const dir = files({
    a: {
      clusters: [cluster('c', 'https://a.example:6443')],
      contexts: [context('x', 'c', 'u', 'from-a')],
      users: [],
    },
    b: {
      'current-context': 'x',
      clusters: [cluster('c', 'https://b.example:6443'), cluster('only-b', 'https://ob.example')],
      contexts: [context('x', 'only-b', 'u', 'from-b')],
      users: [user('u', 'token-b')],
    },
    c: { 'current-context': 'y', users: [user('u', 'token-c')] },
  });
  const env = { KUBECONFIG: ['a', 'missing', 'b', 'c'].map((f) => join(dir, f)).join(':'), HOME: dir };
  const config = loadKubeconfig(undefined, env);
  t.equal(config.currentContext, 'x', 'b sets current-context first; c comes later');
  const rest = resolve(config);
  t.equal(rest.server, 'https://a.example:6443', "context x is a's, naming cluster c, which a defines first");
  t.equal(rest.namespace, 'from-a');
  t.equal(rest.token, 'token-b', 'user u first appears in b');
});

t.test('a name repeated within one file is an error, as kubectl makes it', async (t) => {
  const dir = files({
    a: {
      'current-context': 'x',
      clusters: [cluster('c', 'https://first.example'), cluster('c', 'https://second.example')],
      contexts: [context('x', 'c', 'u')],
      users: [user('u', 't')],
    },
  });
  t.throws(() => loadKubeconfig(join(dir, 'a')), /duplicate name "c" in clusters/);
});

t.test(
  'an explicit --kubeconfig that does not exist is an error; KUBECONFIG entries are skipped',
  async (t) => {
    const dir = files({});
    t.throws(() => loadKubeconfig(join(dir, 'nope')), KubeconfigError);
    t.throws(() => loadKubeconfig(join(dir, 'nope')), /does not exist/);
    const config = loadKubeconfig(undefined, { KUBECONFIG: join(dir, 'nope'), HOME: dir });
    t.equal(config.currentContext, undefined);
    t.throws(() => resolve(config), /no cluster configured/);
  },
);

t.test('--context, --cluster, --user, -n override the current context', async (t) => {
  const dir = files({
    a: {
      'current-context': 'x',
      clusters: [cluster('c1', 'https://one.example'), cluster('c2', 'https://two.example/')],
      contexts: [context('x', 'c1', 'u1', 'ns-x'), context('y', 'c1', 'u1')],
      users: [user('u1', 't1'), user('u2', 't2')],
    },
  });
  const config = loadKubeconfig(join(dir, 'a'));
  const rest = resolve(config, { cluster: 'c2', user: 'u2', namespace: 'given' });
  t.same(
    [rest.server, rest.token, rest.namespace, rest.namespaceExplicit],
    ['https://two.example', 't2', 'given', true],
  );
  const y = resolve(config, { context: 'y' });
  t.same(
    [y.contextName, y.namespace, y.namespaceExplicit],
    ['y', 'default', false],
    'no namespace: "default"',
  );
  t.throws(() => resolve(config, { context: 'zz' }), /context "zz" does not exist/);
  t.throws(() => resolve(config, { user: 'zz' }), /user "zz" does not exist/);
});

t.test(
  "the plugin's kubectl-named flags go in as they are: --as/--as-group impersonate, a false --insecure-skip-tls-verify keeps the file's true",
  async (t) => {
    const dir = files({
      a: {
        'current-context': 'x',
        clusters: [
          { name: 'c', cluster: { server: 'https://c.example', 'insecure-skip-tls-verify': true } },
          cluster('strict', 'https://s.example'),
        ],
        contexts: [context('x', 'c', 'u'), context('s', 'strict', 'u')],
        users: [user('u', 't')],
      },
    });
    const config = loadKubeconfig(join(dir, 'a'));
    const flags = { as: 'alice', 'as-group': ['g1', 'g2'], 'insecure-skip-tls-verify': false };
    const rest = resolve(config, flags);
    t.same(rest.impersonate, { user: 'alice', groups: ['g1', 'g2'] });
    t.equal(rest.insecure, true, 'false is the flag unset, as kubectl merges it');
    t.equal(resolve(config, { context: 's' }).insecure, false);
    t.equal(resolve(config, { context: 's', 'insecure-skip-tls-verify': true }).insecure, true);
  },
);

t.test('credential paths are relative to the file that names them; data fields are base64', async (t) => {
  const dir = files({});
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'ca.crt'), 'CA-BYTES');
  writeFileSync(
    join(dir, 'sub', 'k'),
    stringify({
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: 'https://s', 'certificate-authority': 'ca.crt' } }],
      contexts: [context('x', 'c', 'u')],
      users: [
        {
          name: 'u',
          user: {
            'client-certificate-data': Buffer.from('CERT').toString('base64'),
            'client-key-data': Buffer.from('KEY').toString('base64'),
            as: 'alice',
          },
        },
      ],
    }),
  );
  const rest = resolve(loadKubeconfig(join(dir, 'sub', 'k')));
  t.equal(rest.ca?.toString(), 'CA-BYTES');
  t.equal(rest.cert?.toString(), 'CERT');
  t.equal(rest.key?.toString(), 'KEY');
  t.same(rest.impersonate, { user: 'alice', groups: [] });
  writeFileSync(
    join(dir, 'sub', 'gone'),
    stringify({
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: 'https://s', 'certificate-authority': 'missing.crt' } }],
      contexts: [context('x', 'c', 'u')],
    }),
  );
  t.throws(
    () => resolve(loadKubeconfig(join(dir, 'sub', 'gone'))),
    /cannot read the certificate authority .*sub\/missing.crt/,
  );
});

t.test('in a pod without a kubeconfig, the service account is used', async (t) => {
  const dir = files({});
  writeFileSync(join(dir, 'namespace'), 'team-a\n');
  writeFileSync(join(dir, 'ca.crt'), 'POD-CA');
  const config = inClusterConfig(
    { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
    dir,
  );
  t.same(
    [config?.server, config?.namespace, config?.tokenFile, config?.ca?.toString()],
    ['https://10.0.0.1:443', 'team-a', join(dir, 'token'), 'POD-CA'],
  );
  t.equal(inClusterConfig({}, dir), undefined);
  const empty = files({});
  t.throws(
    () => loadRestConfig({}, { HOME: empty, KUBECONFIG: join(empty, 'none') }),
    /no cluster configured/,
    'outside a pod, no kubeconfig is an error',
  );
});
