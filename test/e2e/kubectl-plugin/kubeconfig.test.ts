// The plugin's kubeconfig loading gives what the pinned kubectl gives on the same files:
// `kubectl config view --minify --raw` names the context, cluster, user, server, token and
// namespace kubectl would use; common/kube must pick the same — for KUBECONFIG lists with
// clashing names and current-contexts, missing files, overrides, and the error cases.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { stringify } from 'yaml';
import { loadKubeconfig, resolve } from '../../../common/kube/kubeconfig.ts';
import { platform } from '../../support/cluster.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-compare-'));
const write = (name: string, doc: unknown) => writeFileSync(join(dir, name), stringify(doc));

write('a', {
  clusters: [{ name: 'shared', cluster: { server: 'https://a.example:6443' } }],
  contexts: [
    { name: 'work', context: { cluster: 'shared', user: 'me', namespace: 'from-a' } },
    { name: 'other', context: { cluster: 'only-b', user: 'you' } },
  ],
  users: [{ name: 'you', user: { token: 'you-a' } }],
});
write('b', {
  'current-context': 'work',
  clusters: [
    { name: 'shared', cluster: { server: 'https://b.example:6443' } },
    { name: 'only-b', cluster: { server: 'https://only-b.example' } },
  ],
  contexts: [{ name: 'work', context: { cluster: 'only-b', user: 'you', namespace: 'from-b' } }],
  users: [
    { name: 'me', user: { token: 'me-b' } },
    { name: 'you', user: { token: 'you-b' } },
  ],
});
write('c', { 'current-context': 'other', users: [{ name: 'me', user: { token: 'me-c' } }] });

interface Minified {
  'current-context'?: string;
  clusters?: { name: string; cluster: { server: string } }[];
  users?: { name: string; user: { token?: string } }[];
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

async function kubectlView(files: string[], extra: string[]): Promise<Minified | { error: string }> {
  try {
    const { stdout } = await run(
      join(platform.binDir, 'kubectl'),
      ['config', 'view', '--minify', '--raw', '-o', 'json', ...extra],
      {
        env: { ...process.env, KUBECONFIG: files.map((f) => join(dir, f)).join(':') },
      },
    );
    return JSON.parse(stdout) as Minified;
  } catch (error) {
    return { error: (error as { stderr: string }).stderr };
  }
}

function ours(files: string[], o: { context?: string; user?: string; cluster?: string }) {
  const config = resolve(
    loadKubeconfig(undefined, { KUBECONFIG: files.map((f) => join(dir, f)).join(':'), HOME: dir }),
    o,
  );
  return {
    context: config.contextName,
    cluster: config.clusterName,
    user: config.userName,
    server: config.server,
    token: config.token,
    namespace: config.namespaceExplicit ? config.namespace : undefined,
  };
}

const cases: { files: string[]; flags: { context?: string; user?: string } }[] = [
  { files: ['a', 'missing', 'b', 'c'], flags: {} },
  { files: ['c', 'b', 'a'], flags: {} },
  { files: ['b', 'a', 'c'], flags: {} },
  { files: ['a', 'b', 'c'], flags: { context: 'other' } },
  { files: ['a', 'b', 'c'], flags: { user: 'me' } },
  { files: ['c', 'a', 'b'], flags: { context: 'work' } },
];

for (const { files, flags } of cases) {
  t.test(`KUBECONFIG=${files.join(':')} ${JSON.stringify(flags)} resolves as kubectl does`, async (t) => {
    const extra = Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
    const view = await kubectlView(files, extra);
    if ('error' in view) throw new Error(`kubectl failed: ${view.error}`);
    const context = view.contexts?.[0];
    t.same(ours(files, flags), {
      context: view['current-context'],
      cluster: context?.context.cluster,
      user: flags.user ?? context?.context.user,
      server: view.clusters?.[0]?.cluster.server,
      token: view.users?.[0]?.user.token,
      namespace: context?.context.namespace,
    });
  });
}

t.test('a KUBECONFIG naming only missing files: kubectl has no context, and neither have we', async (t) => {
  const view = await kubectlView(['missing-1', 'missing-2'], []);
  t.match(view, { error: /current-context must exist/ });
  t.throws(() => ours(['missing-1', 'missing-2'], {}), /no cluster configured/);
});

t.test('a name repeated inside one file is refused by both', async (t) => {
  write('dup', {
    'current-context': 'x',
    clusters: [
      { name: 'c', cluster: { server: 'https://1.example' } },
      { name: 'c', cluster: { server: 'https://2.example' } },
    ],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
  });
  t.match(await kubectlView(['dup'], []), { error: /duplicate name "c"/ });
  t.throws(() => ours(['dup'], {}), /duplicate name "c"/);
});
