// What a project developer (the shipped kubehpc:project-developer role, nothing else) can do
// through `kubectl hpc` after the verbs that go beyond create/update: read the recorded
// revisions, roll back, and restart the pods — all through the ProjectService, never by
// touching the Deployment the controller owns.

import { randomBytes } from 'node:crypto';
import t from 'tap';
import { RESTARTED_AT_ANNOTATION, SERVICE_LABEL } from '../../../common/names.ts';
import { eventually, kubectl } from '../../support/cluster.ts';
import { hpc } from './support.ts';

interface PodList {
  items: { metadata: { name: string; deletionTimestamp?: string; annotations?: Record<string, string> } }[];
}

async function livePods(ns: string, service: string) {
  const out = await kubectl(['get', 'pods', '-n', ns, '-l', `${SERVICE_LABEL}=${service}`, '-o', 'json']);
  if (out.code !== 0) throw new Error(out.stderr);
  return (JSON.parse(out.stdout) as PodList).items.filter((p) => !p.metadata.deletionTimestamp);
}

t.test('a project developer lists revisions, rolls back and restarts', async (t) => {
  const project = `e2e-hpc-dev-${randomBytes(3).toString('hex')}`;
  t.teardown(async () => {
    await kubectl(['delete', 'namespace', project, '--wait=false']);
  });
  t.equal((await hpc(['project', 'create', project])).code, 0);
  const user = 'dave@example.com';
  const grant = await hpc(['project', 'grant', user, '--role', 'developer', '-n', project]);
  t.equal(grant.code, 0, grant.stderr);
  const as = ['-n', project, '--as', user];

  const can = await kubectl(['auth', 'can-i', 'patch', 'deployments', ...as]);
  t.equal(can.stdout.trim(), 'no', 'the developer has no right on Deployments');

  t.equal((await hpc(['deploy', 'web', '--image', 'r/web:1', '--replicas', '2', ...as])).code, 0);
  const upd = await hpc(['update', 'web', '--image', 'r/web:2', ...as]);
  t.equal(upd.code, 0, upd.stderr);
  const history = await eventually('both revisions listed for the developer', async () => {
    const h = await hpc(['history', 'web', '--revisions', ...as]);
    return h.code === 0 && h.stdout.includes('r/web:1') && h.stdout.includes('r/web:2') ? h : undefined;
  });
  t.match(history.stdout, /^REVISION\s+NAME\s+IMAGE/m);

  const back = await hpc(['rollback', 'web', ...as]);
  t.equal(back.code, 0, back.stderr);
  t.match(back.stdout, 'rolled back to revision 1');
  const image = await kubectl(['get', 'ps', 'web', '-n', project, '-o', 'jsonpath={.spec.image}']);
  t.equal(image.stdout, 'r/web:1');

  const before = (await livePods(project, 'web')).map((p) => p.metadata.name);
  t.equal(before.length, 2, 'two replicas before the restart');
  const restart = await hpc(['restart', 'web', ...as]);
  t.equal(restart.code, 0, restart.stderr);
  t.match(restart.stdout, 'projectservice.apps.kubehpc.dev/web restarting');
  const stamp = (
    await kubectl([
      'get',
      'ps',
      'web',
      '-n',
      project,
      '-o',
      `jsonpath={.metadata.annotations.kubehpc\\.dev/restarted-at}`,
    ])
  ).stdout;
  t.ok(Number.isFinite(Date.parse(stamp)), `the service carries the restart time (${stamp})`);
  // restart waits (by default) until every replica is a new pod carrying the stamp.
  const after = await livePods(project, 'web');
  t.equal(after.length, 2, 'two replicas after the restart');
  t.same(
    after.filter((p) => before.includes(p.metadata.name)),
    [],
    'no pod from before the restart is left',
  );
  t.same(
    after.map((p) => p.metadata.annotations?.[RESTARTED_AT_ANNOTATION]),
    [stamp, stamp],
    'each new pod carries the stamp',
  );
  const events = await kubectl([
    'get',
    'events',
    '-n',
    project,
    '--field-selector',
    'reason=Restarting,involvedObject.kind=ProjectService',
    '-o',
    'jsonpath={.items[*].type}',
  ]);
  t.equal(events.stdout, 'Normal', 'a Normal Restarting event, not a drift warning');
});
