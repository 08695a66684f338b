// `npm run up` / `npm run down` as a user runs them, on a second platform of its own (its own
// folder and ports) so the shared one keeps serving the other tests.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ensureBinaries } from '../../../platform/src/binaries.ts';
import { componentSpecs } from '../../../platform/src/components/specs.ts';
import { HOST, layout } from '../../../platform/src/layout.ts';
import { portIsFree } from '../../../platform/src/ports.ts';
import { isRunning, type ProcessRecord } from '../../../platform/src/supervisor.ts';
import { platform } from '../../support/cluster.ts';
import { secondPlatformEnv } from '../../support/second-platform.ts';

const run = promisify(execFile);
const PORT_BASES = [32310, 32340, 32370, 32400, 32430];
const dir = await mkdtemp(join(tmpdir(), 'kubehpc-lifecycle-'));
const env = await secondPlatformEnv(dir, PORT_BASES);
const other = layout(env);

async function npmRun(script: 'up' | 'down'): Promise<{ code: number; out: string }> {
  try {
    // Through env(1): tap instruments node children it sees spawned; a user's npm is not.
    const { stdout, stderr } = await run('env', ['-u', 'NODE_OPTIONS', 'npm', 'run', '--silent', script], {
      cwd: platform.repoRoot,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

function records(): ProcessRecord[] {
  if (!existsSync(other.runDir)) return [];
  return readdirSync(other.runDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(other.runDir, f), 'utf8')) as ProcessRecord);
}

const allPorts = Object.values(other.ports);

t.teardown(async () => {
  await npmRun('down');
  await rm(dir, { recursive: true, force: true });
});

t.test('up refuses to start over a port another program holds, and starts nothing', async (t) => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(other.ports.apiserver, HOST, resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const result = await npmRun('up');
  t.not(result.code, 0, 'fails');
  t.match(result.out, `${HOST}:${other.ports.apiserver} (for kube-apiserver)`);
  t.match(result.out, /KUBEHPC_PORT_BASE/, 'says how to get round it');
  t.same(records(), [], 'no process was started');
});

t.test(
  'up starts a working platform; a second up is a no-op that says so; down frees everything',
  async (t) => {
    const first = await npmRun('up');
    t.equal(first.code, 0, first.out);
    t.match(first.out, /the local platform is up in/);
    t.match(first.out, /Try next:/);
    t.match(first.out, /npm run down/);
    const started = records();
    const components = componentSpecs(
      other,
      await ensureBinaries(other.repoRoot, other.cacheDir, () => undefined),
    );
    t.same(
      started.map((r) => r.name).sort(),
      components.map((s) => s.name).sort(),
      'every component of the platform runs',
    );
    for (const core of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
      t.ok(
        started.some((r) => r.name === core),
        `${core} is one of them`,
      );
    }
    t.ok(
      started.every((r) => isRunning(r)),
      'all recorded processes are running',
    );
    t.ok(existsSync(other.kubeconfig), 'kubeconfig written');
    t.ok(existsSync(join(other.logDir, 'kube-apiserver.log')), 'logs under the platform folder');

    const kubectl = join(other.binDir, 'kubectl');
    const nodes = await run(kubectl, ['--kubeconfig', other.kubeconfig, 'get', 'nodes', '-o', 'name']);
    t.match(nodes.stdout, /node\/hpc-0/);

    const second = await npmRun('up');
    t.equal(second.code, 0, second.out);
    t.match(second.out, /already running/);
    t.same(
      records()
        .map((r) => r.pid)
        .sort(),
      started.map((r) => r.pid).sort(),
      'the same processes, none restarted',
    );

    const stopped = await npmRun('down');
    t.equal(stopped.code, 0, stopped.out);
    t.match(stopped.out, /ports are free/);
    for (const record of started) t.notOk(isRunning(record), `${record.name} (pid ${record.pid}) is gone`);
    t.same(records(), [], 'no records left');
    for (const port of allPorts) t.ok(await portIsFree(HOST, port), `port ${port} is free`);

    const again = await npmRun('down');
    t.equal(again.code, 0);
    t.match(again.out, /nothing was running/);
  },
);

t.test('up restarts only what died', async (t) => {
  const first = await npmRun('up');
  t.equal(first.code, 0, first.out);
  const before = records();
  const scheduler = before.find((r) => r.name === 'kube-scheduler');
  t.ok(scheduler);
  if (!scheduler) return;
  process.kill(scheduler.pid, 'SIGKILL');
  while (isRunning(scheduler)) await new Promise((r) => setTimeout(r, 50));
  const second = await npmRun('up');
  t.equal(second.code, 0, second.out);
  t.match(second.out, /started kube-scheduler/);
  t.notMatch(second.out, /started kube-apiserver/);
  const after = records();
  t.not(after.find((r) => r.name === 'kube-scheduler')?.pid, scheduler.pid, 'a new scheduler');
  t.equal(
    after.find((r) => r.name === 'kube-apiserver')?.pid,
    before.find((r) => r.name === 'kube-apiserver')?.pid,
  );
  t.equal((await npmRun('down')).code, 0);
});
