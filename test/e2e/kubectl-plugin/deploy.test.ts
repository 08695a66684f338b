// `kubectl hpc deploy` on the local platform: --wait reports Ready and the endpoint; a staged
// Pending reason (more VFs than any NUMA zone has, single NUMA) shows in the progress and the
// timeout exits 3 leaving the valid object; get renders the server's Table like kubectl get.

import t from 'tap';
import { kubectl, testNamespace } from '../../support/cluster.ts';
import { hpc } from './support.ts';

t.test('deploy --wait succeeds and prints the endpoint; get shows what kubectl get ps shows', async (t) => {
  const ns = await testNamespace(t, 'hpc-deploy');
  const r = await hpc([
    'deploy',
    'portal',
    '-n',
    ns,
    '--image',
    'registry.example/portal:1',
    '--replicas',
    '2',
    '--port',
    'http:8080',
    '--timeout',
    '3m',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'projectservice.apps.kubehpc.dev/portal created');
  t.match(r.stdout, `portal is ready: 2/2 replicas, endpoint portal.${ns}.svc:8080`);
  t.match(r.stderr, /portal: \d\/2 ready/, 'progress lines (timestamped, not a TTY)');
  const ours = await hpc(['get', '-n', ns]);
  const theirs = await kubectl(['get', 'ps', '-n', ns]);
  t.equal(ours.stdout.split('\n')[0], theirs.stdout.split('\n')[0], 'same columns as kubectl get');
  t.match(ours.stdout, /^portal\s+/m);
  const again = await hpc([
    'deploy',
    'portal',
    '-n',
    ns,
    '--image',
    'registry.example/portal:1',
    '--wait=false',
  ]);
  t.match(again.stdout, 'portal unchanged');
  const json = JSON.parse((await hpc(['get', 'portal', '-n', ns, '-o', 'json'])).stdout);
  t.same([json.spec.replicas, json.spec.ports], [2, [{ name: 'http', port: 8080, protocol: 'TCP' }]]);
  const name = await hpc(['get', '-n', ns, '-o', 'name']);
  t.equal(name.stdout, 'projectservice.apps.kubehpc.dev/portal\n');
});

t.test('a Pending reason from the extender shows in the progress; the timeout exits 3', async (t) => {
  const ns = await testNamespace(t, 'hpc-pending');
  const r = await hpc([
    'deploy',
    'solver',
    '-n',
    ns,
    '--image',
    'registry.example/solver:1',
    '--vf',
    '9',
    '--numa',
    'single',
    '--timeout',
    '20s',
  ]);
  t.equal(r.code, 3, r.stderr);
  t.match(r.stderr, /Unschedulable: 0\/\d+ nodes are available/);
  t.match(r.stderr, /timed out after 20s waiting for solver/);
  t.match(r.stderr, /kubectl hpc rollback solver/);
  const left = await kubectl(['get', 'ps', 'solver', '-n', ns, '-o', 'jsonpath={.spec.hardware.sriovVFs}']);
  t.equal(left.stdout, '9', 'the valid object stays');
  const why = await hpc(['why', 'solver', '-n', ns]);
  t.equal(why.code, 0, why.stderr);
  t.match(why.stdout, /is Pending: none of \d+ nodes fits/);
  t.match(why.stdout, /→ /);
});

t.test('--dry-run=server validates without saving; --dry-run=client prints the body', async (t) => {
  const ns = await testNamespace(t, 'hpc-dry');
  const server = await hpc(['deploy', 'a', '-n', ns, '--image', 'r/a:1', '--dry-run=server']);
  t.equal(server.code, 0, server.stderr);
  t.match(server.stdout, '(server dry run)');
  const client = await hpc([
    'deploy',
    'a',
    '-n',
    ns,
    '--image',
    'r/a:1',
    '--replicas',
    '4',
    '--dry-run',
    'client',
  ]);
  t.match(client.stdout, /kind: ProjectService[\s\S]*replicas: 4/);
  const none = await kubectl(['get', 'ps', '-n', ns, '-o', 'name']);
  t.equal(none.stdout, '', 'nothing was created');
});
