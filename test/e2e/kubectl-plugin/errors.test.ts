// Bad input to `kubectl hpc`: a clear message, the documented exit code, and nothing created.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { kubectl, testNamespace } from '../../support/cluster.ts';
import { hpc } from './support.ts';

t.test('usage errors exit 2 before any request, and create nothing', async (t) => {
  const ns = await testNamespace(t, 'hpc-usage');
  const cases: [string[], RegExp][] = [
    [['deploy', 'a', '--image', 'r/a:1', '--replcas', '2'], /Unknown option '--replcas'/],
    [['deploy', 'Not_Valid', '--image', 'r/a:1'], /invalid service name "Not_Valid"/],
    [['deploy', 'a', '--replicas', '2'], /deploy needs --image/],
    [['deploy', 'a', '--image', 'r/a:1', '--memory', '4GB'], /--memory must be a quantity/],
    [['deploy', 'a', '--image', 'r/a:1', '--local-disk', 'lots'], /--local-disk must be a quantity/],
    [['scale', 'a', 'many'], /--replicas must be a whole number/],
    [['get', '-o', 'xml'], /unknown output format "xml"/],
  ];
  for (const [args, message] of cases) {
    const r = await hpc([...args, '-n', ns]);
    t.equal(r.code, 2, `${args.join(' ')} exits 2`);
    t.match(r.stderr, message);
  }
  t.equal((await kubectl(['get', 'ps', '-n', ns, '-o', 'name'])).stdout, '', 'nothing was created');
});

t.test('an unreachable cluster names the server; exit 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'unreachable-'));
  writeFileSync(
    join(dir, 'config'),
    stringify({
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      users: [{ name: 'u', user: { token: 't' } }],
    }),
  );
  const r = await hpc(['get'], { KUBECONFIG: join(dir, 'config') });
  t.equal(r.code, 1);
  t.match(r.stderr, 'cannot reach the cluster at https://127.0.0.1:1');
});

t.test('a namespace the user may not write: forbidden, the role to ask for, nothing created', async (t) => {
  const ns = await testNamespace(t, 'hpc-forbidden');
  const r = await hpc([
    'deploy',
    'a',
    '-n',
    ns,
    '--image',
    'r/a:1',
    '--as',
    'mallory@example.com',
    '--wait=false',
  ]);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stderr, /forbidden/);
  t.match(r.stderr, /kubehpc:project-developer/);
  t.equal((await kubectl(['get', 'ps', '-n', ns, '-o', 'name'])).stdout, '', 'nothing was created');
});
