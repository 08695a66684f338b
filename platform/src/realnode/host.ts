// The real node's footprint on the host, and clearing it. Everything the node makes outside
// its processes — container processes and their shims, mounts, kubepods cgroups, the bridge,
// libcni's cache entries, the kubelet's fixed host paths and the sysctls it changes — is
// found here from the host's own state (/proc, mountinfo, the cgroup tree), so a node whose
// processes were killed without cleaning up is cleared just as well as a stopped one.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Layout } from '../layout.ts';
import {
  BRIDGE,
  BRIDGE_ADDRESS,
  BRIDGE_PREFIX,
  CNI_BIN_DIR,
  CNI_NETWORK,
  HOST_PATHS,
  INOTIFY_INSTANCES,
  KUBELET_SYSCTLS,
  realNodePaths,
} from './config.ts';

const run = promisify(execFile);

/** Debian packages the real node needs (a clearly marked line in .ci/run installs them). */
export const REAL_NODE_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins', 'busybox-static'];

/** Fails with what to install when a host program the real node needs is missing. */
export function checkHostTools(): void {
  const needed = [
    '/usr/bin/containerd',
    '/usr/bin/ctr',
    '/usr/bin/containerd-shim-runc-v2',
    '/usr/sbin/runc',
    '/bin/busybox',
    ...['bridge', 'host-local', 'loopback'].map((p) => join(CNI_BIN_DIR, p)),
  ];
  const missing = needed.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `the real node needs ${missing.join(', ')}: apt-get install ${REAL_NODE_PACKAGES.join(' ')}` +
        ' (or start the platform without it: KUBEHPC_REAL_NODE=0)',
    );
  }
}

interface HostProcess {
  pid: number;
  exe: string;
  argv: string[];
}

function processes(): HostProcess[] {
  const out: HostProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      let exe = '';
      try {
        exe = readlinkSync(`/proc/${entry}/exe`);
      } catch {
        // kernel threads and other users' processes have none we can read
      }
      out.push({ pid: Number(entry), exe, argv });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A kubelet on this machine that is not this platform's: the fixed host paths allow one. */
export function foreignKubelet(l: Layout): number | undefined {
  const ours = realNodePaths(l).kubeletRoot;
  return processes().find(
    (p) => /\/kubelet( \(deleted\))?$/.test(p.exe) && !p.argv.includes(`--root-dir=${ours}`),
  )?.pid;
}

/** containerd's shims serving this node's containerd (they outlive it by design). */
function shimPids(l: Layout): number[] {
  const socket = realNodePaths(l).containerdSocket;
  return processes()
    .filter((p) => p.argv.some((a) => a.includes('containerd-shim')) && p.argv.includes(socket))
    .map((p) => p.pid);
}

/** Every kubepods cgroup folder, deepest first, across the hierarchies. */
function kubepodsCgroups(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const name of entries) walk(join(dir, name));
    out.push(dir);
  };
  if (!existsSync(HOST_PATHS.cgroupRoot)) return out;
  for (const hierarchy of readdirSync(HOST_PATHS.cgroupRoot)) {
    for (const top of ['kubepods', 'kubepods.slice']) {
      const dir = join(HOST_PATHS.cgroupRoot, hierarchy, top);
      if (existsSync(dir)) walk(dir);
    }
  }
  return out;
}

function cgroupPids(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const dir of dirs) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
        if (line.trim()) pids.add(Number(line));
      }
    } catch {
      // removed meanwhile
    }
  }
  return [...pids];
}

function kill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`real node cleanup: ${what} did not finish in ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Mount points at or under `roots` (deepest first), from the host's mount table. */
export function mountsUnder(roots: string[]): string[] {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((point) => roots.some((root) => point === root || point.startsWith(`${root}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

async function unmountAll(roots: string[]): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    const points = mountsUnder(roots);
    if (points.length === 0) return;
    for (const point of points) await run('umount', ['--lazy', point]).catch(() => undefined);
  }
  const left = mountsUnder(roots);
  if (left.length > 0) throw new Error(`real node cleanup: still mounted: ${left.join(', ')}`);
}

/** The current value of a sysctl (`kernel.panic` → /proc/sys/kernel/panic). */
export function readSysctl(name: string): string {
  return readFileSync(join('/proc/sys', ...name.split('.')), 'utf8').trim();
}

async function writeSysctl(name: string, value: string): Promise<void> {
  await writeFile(join('/proc/sys', ...name.split('.')), `${value}\n`);
}

/** Saves the sysctls the kubelet changes, unless a save from a node never cleaned up is there. */
export async function saveSysctls(l: Layout): Promise<void> {
  const file = realNodePaths(l).savedSysctls;
  if (existsSync(file)) return;
  const values = Object.fromEntries(KUBELET_SYSCTLS.map((name) => [name, readSysctl(name)]));
  await writeFile(file, `${JSON.stringify(values, null, 2)}\n`);
}

/** Raises the inotify instance limit to INOTIFY_INSTANCES when it is lower (saved first). */
export async function ensureInotifyRoom(log: (line: string) => void): Promise<void> {
  const name = 'fs.inotify.max_user_instances';
  const now = Number.parseInt(readSysctl(name), 10);
  if (now >= INOTIFY_INSTANCES) return;
  await writeSysctl(name, String(INOTIFY_INSTANCES));
  log(`raised ${name} from ${now} to ${INOTIFY_INSTANCES} for the kubelet (restored by down)`);
}

async function restoreSysctls(l: Layout, log: (line: string) => void): Promise<void> {
  const file = realNodePaths(l).savedSysctls;
  if (!existsSync(file)) return;
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  for (const name of KUBELET_SYSCTLS) {
    const value = saved[name];
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) continue;
    if (readSysctl(name) !== value) {
      await writeSysctl(name, value);
      log(`restored ${name} = ${value}`);
    }
  }
  await rm(file, { force: true });
}

/** The pods' bridge, with the host's address on it (and so the route to the pods). */
export async function ensureBridge(): Promise<void> {
  const exists = await run('ip', ['link', 'show', 'dev', BRIDGE]).then(
    () => true,
    () => false,
  );
  if (!exists) await run('ip', ['link', 'add', 'name', BRIDGE, 'type', 'bridge']);
  await run('ip', ['address', 'replace', `${BRIDGE_ADDRESS}/${BRIDGE_PREFIX}`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', 'dev', BRIDGE, 'up']);
}

async function removeIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch(() => undefined);
}

/** Removes the kubelet's and libcni's entries in the fixed host paths. */
async function clearHostPaths(l: Layout): Promise<void> {
  const p = realNodePaths(l);
  // The kubelet's socket and checkpoint, and sockets device plugins left behind.
  if (existsSync(HOST_PATHS.devicePlugins)) {
    for (const entry of await readdir(HOST_PATHS.devicePlugins, { withFileTypes: true })) {
      if (entry.isSocket() || entry.name === 'kubelet_internal_checkpoint') {
        await rm(join(HOST_PATHS.devicePlugins, entry.name), { force: true });
      }
    }
  }
  await removeIfEmpty(HOST_PATHS.devicePlugins);
  await removeIfEmpty('/var/lib/kubelet');
  if (existsSync(HOST_PATHS.containerLogLinks)) {
    for (const link of await readdir(HOST_PATHS.containerLogLinks)) {
      const path = join(HOST_PATHS.containerLogLinks, link);
      let target = '';
      try {
        target = readlinkSync(path);
      } catch {
        continue;
      }
      if (target.startsWith(`${p.podLogs}/`)) await rm(path, { force: true });
    }
  }
  if (existsSync(HOST_PATHS.cniCache)) {
    for (const entry of await readdir(HOST_PATHS.cniCache)) {
      if (entry.startsWith(`${CNI_NETWORK}-`)) await rm(join(HOST_PATHS.cniCache, entry), { force: true });
    }
  }
  // Shim sockets whose shim is gone (nothing listens on them any more).
  if (existsSync(HOST_PATHS.shimSockets)) {
    const listening = new Set(
      readFileSync('/proc/net/unix', 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[7])
        .filter((path): path is string => path !== undefined),
    );
    for (const entry of await readdir(HOST_PATHS.shimSockets)) {
      const path = join(HOST_PATHS.shimSockets, entry);
      if (!listening.has(path) && !listening.has(`@${path}`)) await rm(path, { force: true });
    }
    await removeIfEmpty(HOST_PATHS.shimSockets);
    await removeIfEmpty('/run/containerd');
  }
}

/**
 * Clears everything a stopped (or killed) real node left behind. The kubelet and containerd
 * must not be running: the caller stops them first. Container processes are killed, then the
 * shims, then mounts, cgroups, the bridge and host paths are removed and the sysctls restored;
 * the node's state folder goes last, so the next start is a fresh node.
 */
export async function clearRealNode(l: Layout, log: (line: string) => void): Promise<void> {
  const p = realNodePaths(l);
  const containers = cgroupPids(kubepodsCgroups());
  if (containers.length > 0) log(`killing ${containers.length} container processes of the real node`);
  kill(containers);
  await waitFor('container processes exiting', () => cgroupPids(kubepodsCgroups()).length === 0);
  const shims = shimPids(l);
  kill(shims);
  await waitFor('containerd shims exiting', () => shimPids(l).length === 0);
  await unmountAll([p.dir]);
  for (const dir of kubepodsCgroups()) await rmdir(dir).catch(() => undefined);
  const cgroupsLeft = kubepodsCgroups();
  if (cgroupsLeft.length > 0) throw new Error(`real node cleanup: cgroups left: ${cgroupsLeft.join(', ')}`);
  await run('ip', ['link', 'delete', 'dev', BRIDGE]).catch(() => undefined);
  await clearHostPaths(l);
  await restoreSysctls(l, log);
  await rm(p.dir, { recursive: true, force: true });
}
