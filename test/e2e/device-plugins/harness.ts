// What the device plugin's end-to-end tests share: a kubelet-side peer built from the
// kubelet's own device-plugin packages (platform/controlplane/kubernetes/cmd/kubelet-peer),
// the plugin itself run as a process (device-plugins/src/main.ts) on a fake sysfs, and
// readers of what each of them sees.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ensureBinaries } from '../../../platform/src/binaries.ts';
import { layout } from '../../../platform/src/layout.ts';
import { eventually } from '../../support/cluster.ts';
import { type FakeSysfs, standardSysfs } from '../../unit/device-plugins/fake-sysfs.ts';

export interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

export interface PeerDevice {
  id: string;
  health: string;
  numa: number[];
}

export interface PeerResource {
  registrations: number;
  connected: boolean;
  options?: { get_preferred_allocation_available?: boolean };
  updates: number;
  devices: PeerDevice[];
}

export interface PeerState {
  restarts: number;
  resources: Record<string, PeerResource>;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export class KubeletPeer {
  readonly dir: string;
  readonly url: string;

  private constructor(dir: string, url: string) {
    this.dir = dir;
    this.url = url;
  }

  /** Starts the peer serving kubelet.sock in `dir`; stopped when the test ends. */
  static async start(t: Teardown, dir: string): Promise<KubeletPeer> {
    const l = layout();
    const binaries = await ensureBinaries(l.repoRoot, l.cacheDir, (line) => console.error(`# ${line}`));
    const child = spawn(binaries.kubeletPeer, ['--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.teardown(() => stopProcess(child));
    child.stderr?.resume();
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const url = await new Promise<string>((resolve, reject) => {
      lines.once('line', (line) => {
        const event = JSON.parse(line) as { event: string; http: string };
        if (event.event === 'listening') resolve(`http://${event.http}`);
        else reject(new Error(`unexpected first peer line: ${line}`));
      });
      child.once('exit', (code) => reject(new Error(`kubelet-peer exited with ${code}`)));
    });
    lines.on('line', () => undefined);
    return new KubeletPeer(dir, url);
  }

  async state(): Promise<PeerState> {
    const response = await fetch(`${this.url}/state`);
    return (await response.json()) as PeerState;
  }

  async resource(name: string): Promise<PeerResource | undefined> {
    return (await this.state()).resources[name];
  }

  private async post(
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  allocate(resource: string, containers: string[][]) {
    return this.post('/allocate', { resource, containers });
  }

  preferred(
    resource: string,
    containers: Array<{ available: string[]; mustInclude?: string[]; size: number }>,
  ) {
    return this.post('/preferred', { resource, containers });
  }

  /** A kubelet restart: plugin sockets wiped, kubelet.sock created anew. */
  restart() {
    return this.post('/restart', {});
  }
}

export interface PluginProcess {
  child: ChildProcess;
  stop: () => Promise<void>;
  opsUrl: string;
  stderr: () => string;
}

/** The ops address the plugin's "device plugin started" log line names, once it has been written. */
function startedAt(log: string): string | undefined {
  // The last piece may be a line still being written.
  for (const line of log.split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as { msg?: string; ops?: string };
    if (record.msg === 'device plugin started' && typeof record.ops === 'string') return record.ops;
  }
  return undefined;
}

/** Runs device-plugins/src/main.ts with `args`; waits for its ops server; stops it at the end. */
export async function startPlugin(t: Teardown, args: string[]): Promise<PluginProcess> {
  const l = layout();
  const child = spawn(
    process.execPath,
    [
      join(l.repoRoot, 'device-plugins/src/main.ts'),
      '--metrics-host',
      '127.0.0.1',
      '--metrics-port',
      '0',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  t.teardown(() => stopProcess(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const opsUrl = await eventually(
    'the device plugin to start',
    async () => {
      if (child.exitCode !== null) throw new Error(`device plugin exited with ${child.exitCode}: ${stderr}`);
      return startedAt(stderr);
    },
    120_000,
  );
  return { child, opsUrl, stop: () => stopProcess(child), stderr: () => stderr };
}

export interface Workspace {
  root: string;
  kubeletDir: string;
  sysfs: FakeSysfs;
  configPath: string;
  writeConfig(text: string): void;
}

/** A temporary folder with a standard fake sysfs, a kubelet dir and a config file. */
export function workspace(t: Teardown, config: string): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'kubehpc-dp-e2e-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const kubeletDir = join(root, 'device-plugins');
  mkdirSync(kubeletDir);
  const sysfs = standardSysfs(join(root, 'sys'));
  const configPath = join(root, 'config.yaml');
  writeFileSync(configPath, config);
  return { root, kubeletDir, sysfs, configPath, writeConfig: (text) => writeFileSync(configPath, text) };
}

/** The plugin's flags for a workspace (fast polling for tests), plus any extra ones. */
export function pluginArgs(ws: Workspace, nodeName: string, extra: string[] = []): string[] {
  return [
    '--sysfs-root',
    ws.sysfs.root,
    '--config',
    ws.configPath,
    '--kubelet-dir',
    ws.kubeletDir,
    '--node-name',
    nodeName,
    '--poll-interval',
    '100',
    ...extra,
  ];
}
