// Stopping the real node leaves the host as it found it: no container, shim, mount, cgroup,
// bridge or changed sysctl, nothing in the kubelet's fixed host paths. And a node whose
// processes were killed without cleaning up is cleared by the next start. Both run on the
// main platform's real node (one per machine), which each test starts again before it ends.
// Everything is checked from the host's own state, not from what the platform says it did.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ensureBinaries } from '../../../platform/src/binaries.ts';
import { startRealNode, stopRealNode } from '../../../platform/src/platform.ts';
import { readRecord } from '../../../platform/src/supervisor.ts';
import { eventually, objects, platform, testNamespace } from '../../support/cluster.ts';
import { podRunning, REAL_NODE_NAME, realNodeSkipReason, realPod } from './support.ts';

const run = promisify(execFile);
const skip = realNodeSkipReason();
const log = (line: string) => console.error(`# ${line}`);

/** The sysctls a kubelet sets at start (kubelet's kernel tunables). */
const SYSCTLS = ['vm.overcommit_memory', 'vm.panic_on_oom', 'kernel.panic', 'kernel.panic_on_oops'];
const sysctls = () =>
  Object.fromEntries(
    SYSCTLS.map((name) => [name, readFileSync(join('/proc/sys', ...name.split('.')), 'utf8').trim()]),
  );

interface Proc {
  pid: number;
  exe: string;
  cmdline: string;
}

function hostProcesses(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      let exe = '';
      try {
        exe = readlinkSync(`/proc/${entry}/exe`);
      } catch {
        // kernel thread
      }
      out.push({ pid: Number(entry), exe, cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

function kubepodsCgroups(): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((hierarchy) => join('/sys/fs/cgroup', hierarchy, 'kubepods'))
    .filter((dir) => existsSync(dir));
}

function mountsOfTheNode(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(platform.realNodeDir) || / - overlay overlay .*realnode/.test(line));
}

async function bridgeExists(): Promise<boolean> {
  return run('ip', ['link', 'show', 'dev', 'kubehpc0']).then(
    () => true,
    () => false,
  );
}

/** Starts a pod whose container process carries `token` on its command line; returns that pid. */
async function containerProcess(ns: string, token: string): Promise<number> {
  await objects().create(realPod(ns, 'marker', `echo ${token} >/dev/null; sleep 3600 & wait $!`));
  await podRunning(ns, 'marker');
  const proc = hostProcesses().find((p) => p.cmdline.includes(token) && p.cmdline.startsWith('sh '));
  if (!proc) throw new Error(`no host process of the container with ${token}`);
  return proc.pid;
}

async function binaries() {
  return ensureBinaries(platform.repoRoot, platform.cacheDir, log);
}

t.test(
  'stopping the real node leaves no container, shim, mount, cgroup or changed sysctl',
  { skip },
  async (t) => {
    const bin = await binaries();
    let running = true;
    t.teardown(async () => {
      if (!running) await startRealNode(platform, bin, log);
    });
    await stopRealNode(platform, log);
    running = false;
    const machine = sysctls();

    await startRealNode(platform, bin, log);
    running = true;
    t.not(
      JSON.stringify(sysctls()),
      JSON.stringify(machine),
      'the kubelet changed host sysctls while it ran',
    );
    const ns = await testNamespace(t, 'real-clean');
    const token = `clean-${Date.now().toString(36)}`;
    const pid = await containerProcess(ns, token);
    t.ok(kubepodsCgroups().length > 0, 'the pod made kubepods cgroups');
    t.ok(mountsOfTheNode().length > 0, 'and mounts');
    t.ok(await bridgeExists(), 'and the bridge exists');

    await stopRealNode(platform, log);
    running = false;
    t.notOk(alive(pid), 'the container process is gone');
    const leftovers = hostProcesses().filter(
      (p) =>
        /\/(containerd|containerd-shim-runc-v2|kubelet|runc)( \(deleted\))?$/.test(p.exe) ||
        p.cmdline.includes(platform.realNodeDir),
    );
    t.same(leftovers, [], 'no kubelet, containerd or shim process');
    t.same(kubepodsCgroups(), [], 'no kubepods cgroup in any hierarchy');
    t.same(mountsOfTheNode(), [], 'no mount');
    t.notOk(await bridgeExists(), 'no bridge');
    t.same(sysctls(), machine, "every sysctl back to the machine's value");
    t.notOk(
      existsSync('/var/lib/kubelet/device-plugins/kubelet.sock'),
      'no kubelet socket in the fixed path',
    );
    const logLinks = existsSync('/var/log/containers') ? readdirSync('/var/log/containers') : [];
    t.same(
      logLinks.filter((link) =>
        readlinkSync(join('/var/log/containers', link)).startsWith(platform.realNodeDir),
      ),
      [],
      'no container log link',
    );
    t.notOk(existsSync(platform.realNodeDir), "the node's state is gone");

    await startRealNode(platform, bin, log);
    running = true;
  },
);

t.test('a start after the node was killed clears what it left behind', { skip }, async (t) => {
  const bin = await binaries();
  const ns = await testNamespace(t, 'real-crash');
  const token = `crash-${Date.now().toString(36)}`;
  const pid = await containerProcess(ns, token);
  const containerBefore = (await podRunning(ns, 'marker')).status?.containerStatuses?.[0]?.containerID;
  for (const name of ['kubelet', 'containerd']) {
    const record = await readRecord(platform.runDir, name);
    if (!record) throw new Error(`no run record of ${name}`);
    process.kill(record.pid, 'SIGKILL');
  }
  t.ok(alive(pid), 'killing the kubelet and containerd leaves the container running');

  await startRealNode(platform, bin, log);
  t.notOk(alive(pid), 'the start killed the orphaned container');
  const node = (await objects().read({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: REAL_NODE_NAME },
  })) as {
    status?: { conditions?: Array<{ type: string; status: string }> };
  };
  t.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'real-0 is Ready again');
  const again = await eventually('the kubelet to run the pod in a new container', async () => {
    const pod = await podRunning(ns, 'marker');
    const id = pod.status?.containerStatuses?.[0]?.containerID;
    return id && id !== containerBefore ? pod : undefined;
  });
  t.equal(again.spec?.nodeName, REAL_NODE_NAME, 'and runs the pod again');
});
