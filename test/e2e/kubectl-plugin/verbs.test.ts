// update, config push, scale, autoscale, rollback, delete, project create/grant, devices and topology,
// through `kubectl hpc` on the local platform.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import { hpc } from './support.ts';

const jsonpath = async (ns: string, kind: string, name: string, path: string) =>
  (await kubectl(['get', kind, name, '-n', ns, '-o', `jsonpath=${path}`])).stdout;

t.test(
  'update changes only what is given; scale uses the scale subresource; autoscale writes a policy',
  async (t) => {
    const ns = await testNamespace(t, 'hpc-verbs');
    const d = await hpc([
      'deploy',
      'api',
      '-n',
      ns,
      '--image',
      'r/api:1',
      '--replicas',
      '1',
      '--env',
      'A=1',
      '--cpu',
      '100m',
    ]);
    t.equal(d.code, 0, d.stderr);
    const u = await hpc(['update', 'api', '-n', ns, '--env', 'B=2', '--wait=false']);
    t.equal(u.code, 0, u.stderr);
    t.equal(
      await jsonpath(ns, 'ps', 'api', '{.spec.image} {.spec.resources.cpu} {.spec.env[*].name}'),
      'r/api:1 100m A B',
    );
    const s = await hpc(['scale', 'api', '3', '-n', ns]);
    t.equal(s.code, 0, s.stderr);
    t.equal(await jsonpath(ns, 'ps', 'api', '{.spec.replicas}'), '3');
    const again = await hpc(['update', 'api', '-n', ns, '--image', 'r/api:2', '--wait=false']);
    t.equal(again.code, 0, again.stderr);
    t.equal(
      await jsonpath(ns, 'ps', 'api', '{.spec.replicas} {.spec.image}'),
      '3 r/api:2',
      'update without --replicas keeps the scale',
    );
    const a = await hpc([
      'autoscale',
      'api',
      '-n',
      ns,
      '--min',
      '2',
      '--max',
      '8',
      '--cpu',
      '70%',
      '--cron',
      '0 8 * * 1-5 Europe/Paris 2h 6',
    ]);
    t.equal(a.code, 0, a.stderr);
    const policy = JSON.parse((await kubectl(['get', 'sp', 'api', '-n', ns, '-o', 'json'])).stdout);
    t.same(policy.spec.targetRef, { name: 'api' });
    t.same([policy.spec.minReplicas, policy.spec.maxReplicas], [2, 8]);
    t.same(
      policy.spec.rules.map((r: { name: string }) => r.name),
      ['cpu', 'cron-1'],
    );
    t.same(policy.spec.rules[1].schedule, {
      cron: '0 8 * * 1-5',
      timeZone: 'Europe/Paris',
      duration: '2h',
      replicas: 6,
    });
    const status = await hpc(['status', 'api', '-n', ns]);
    t.match(status.stdout, /Scaling:\n {2}(policy not evaluated yet|last decision)/);
    const del = await hpc(['delete', 'api', '-n', ns, '--yes', '--wait']);
    t.equal(del.code, 0, del.stderr);
    const gone = await kubectl(['get', 'ps', 'api', '-n', ns]);
    t.match(gone.stderr, /NotFound/);
  },
);

t.test('rollback re-applies the previous recorded spec', async (t) => {
  const ns = await testNamespace(t, 'hpc-rollback');
  t.equal((await hpc(['deploy', 'web', '-n', ns, '--image', 'r/web:1'])).code, 0);
  t.equal((await hpc(['update', 'web', '-n', ns, '--image', 'r/web:2'])).code, 0);
  await eventually('two revisions', async () => {
    const h = await hpc(['history', 'web', '-n', ns, '--revisions']);
    return h.stdout.includes('r/web:2') && h.stdout.includes('r/web:1') ? true : undefined;
  });
  const r = await hpc(['rollback', 'web', '-n', ns]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'rolled back to revision 1');
  t.equal(await jsonpath(ns, 'ps', 'web', '{.spec.image}'), 'r/web:1');
});

t.test('project create + grant lets the user deploy there and nowhere else', async (t) => {
  const project = `e2e-hpc-proj-${Date.now().toString(36)}`;
  t.teardown(async () => {
    await kubectl(['delete', 'namespace', project, '--wait=false']);
  });
  const c = await hpc(['project', 'create', project]);
  t.equal(c.code, 0, c.stderr);
  t.equal(await jsonpath('', 'namespace', project, "{.metadata.labels['kubehpc\\.dev/project']}"), project);
  const g = await hpc(['project', 'grant', 'carol@example.com', '--role', 'developer', '-n', project]);
  t.equal(g.code, 0, g.stderr);
  const list = await hpc(['project', 'list']);
  t.match(list.stdout, project);
  const as = ['--as', 'carol@example.com'];
  const ok = await hpc(['deploy', 'svc', '-n', project, '--image', 'r/svc:1', '--wait=false', ...as]);
  t.equal(ok.code, 0, ok.stderr);
  const other = await testNamespace(t, 'hpc-other');
  const no = await hpc(['deploy', 'svc', '-n', other, '--image', 'r/svc:1', '--wait=false', ...as]);
  t.equal(no.code, 1);
  t.match(no.stderr, /forbidden/);
  const rv = await hpc(['project', 'revoke', 'carol@example.com', '--role', 'developer', '-n', project]);
  t.equal(rv.code, 0, rv.stderr);
  const after = await hpc(['update', 'svc', '-n', project, '--image', 'r/svc:2', '--wait=false', ...as]);
  t.equal(after.code, 1, 'revoked: forbidden again');
});

t.test('devices and topology match the fixture', async (t) => {
  const topo = await hpc(['topology', 'split-0']);
  t.equal(topo.code, 0, topo.stderr);
  t.match(topo.stdout, 'Local disk: 512Gi');
  t.match(topo.stdout, /^node-0\s+16\s+64Gi\s+2$/m);
  t.match(topo.stdout, /^node-1\s+16\s+64Gi\s+2$/m);
  const dev = await hpc(['devices', '--node', 'hpc-0']);
  t.equal(dev.code, 0, dev.stderr);
  t.match(dev.stdout, /^hpc-0\s+kubehpc\.dev\/sriov-vf\s+node-0=8,node-1=8\s+16\s+16\s+\d+\s+\d+$/m);
});

t.test('config push: live keeps the pods, restart rolls them', async (t) => {
  const ns = await testNamespace(t, 'hpc-config');
  const dir = mkdtempSync(join(tmpdir(), 'config-push-'));
  const file = join(dir, 'app.yml');
  writeFileSync(file, 'level: info\n');
  const d = await hpc([
    'deploy',
    'cfg',
    '-n',
    ns,
    '--image',
    'r/cfg:1',
    '--replicas',
    '2',
    '--config-file',
    file,
  ]);
  t.equal(d.code, 0, d.stderr);
  writeFileSync(file, 'level: debug\n');
  const live = await hpc(['config', 'push', 'cfg', file, '-n', ns]);
  t.equal(live.code, 0, live.stderr);
  t.match(live.stdout, 'pushed app.yml to cfg (live update)');
  t.match(live.stdout, 'pods unchanged (2 kept running)');
  t.equal(await jsonpath(ns, 'configmap', 'cfg-config', "{.data['app\\.yml']}"), 'level: debug\n');
  t.equal((await hpc(['update', 'cfg', '-n', ns, '--on-config-change', 'restart'])).code, 0);
  writeFileSync(file, 'level: warn\n');
  const restart = await hpc(['config', 'push', 'cfg', file, '-n', ns]);
  t.equal(restart.code, 0, restart.stderr);
  t.match(restart.stdout, 'pushed app.yml to cfg (restart update)');
  t.match(restart.stdout, 'pods restarted: 2 replaced');
});
