// SR-IOV device plugin benchmarks: discovery of 256 VFs from a fake sysfs, Allocate over the
// plugin's unix socket (p50/p99), and the time from a PF link flip in sysfs to the
// ListAndWatch update arriving at the kubelet-side peer built from the kubelet's packages.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { silentLogger } from '../../common/log.ts';
import { SRIOV_VF_RESOURCE } from '../../common/names.ts';
import { allocate } from '../../device-plugins/src/allocation/allocate.ts';
import { DevicePluginService } from '../../device-plugins/src/kubelet/proto.ts';
import { startPlugin } from '../../device-plugins/src/plugin.ts';
import { assignPools, type Pool } from '../../device-plugins/src/selection/pools.ts';
import { discover } from '../../device-plugins/src/sysfs/discovery.ts';
import { ensureBinaries } from '../../platform/src/binaries.ts';
import { layout } from '../../platform/src/layout.ts';
import { largeSysfs } from '../../test/unit/device-plugins/fake-sysfs.ts';
import { summarize, writeReport } from '../report.ts';

const CONFIG = { pools: [{ resourceName: SRIOV_VF_RESOURCE, selectors: {} }] };
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function benchDiscovery(root: string, runs: number) {
  for (let i = 0; i < 20; i++) discover(root); // warm the dentry cache and the JIT
  const samples: number[] = [];
  let vfs = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const { pfs } = discover(root);
    samples.push(ms(start));
    vfs = pfs.reduce((n, pf) => n + pf.vfs.length, 0);
  }
  return { vfs, ...summarize(samples) };
}

function benchAllocatePure(pool: Pool, runs: number) {
  const ids = pool.devices.slice(0, 2).map((d) => d.vf.address);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    allocate(pool, [ids]);
    samples.push(ms(start));
  }
  return summarize(samples);
}

async function benchAllocateGrpc(socket: string, pool: Pool, runs: number) {
  const Client = makeGenericClientConstructor(DevicePluginService, 'DevicePlugin');
  const client = new Client(`unix://${socket}`, credentials.createInsecure()) as unknown as {
    Allocate(request: unknown, callback: (error: Error | null) => void): void;
    close(): void;
  };
  const call = (ids: string[]) =>
    new Promise<void>((resolve, reject) =>
      client.Allocate({ container_requests: [{ devices_ids: ids }] }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  const ids = pool.devices.slice(0, 2).map((d) => d.vf.address);
  for (let i = 0; i < 200; i++) await call(ids);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call(ids);
    samples.push(ms(start));
  }
  client.close();
  return summarize(samples);
}

/** Flips a PF's link `flips` times; measures sysfs write → devices event at the peer. */
async function benchHealthPropagation(pollIntervalMs: number, flips: number) {
  const l = layout();
  const binaries = await ensureBinaries(l.repoRoot, l.cacheDir, (line) => console.log(line));
  const root = mkdtempSync(join(tmpdir(), 'kubehpc-dp-bench-'));
  const kubeletDir = join(root, 'device-plugins');
  mkdirSync(kubeletDir);
  const fake = largeSysfs(4, 64, join(root, 'sys'));
  const peer = spawn(binaries.kubeletPeer, ['--dir', kubeletDir], { stdio: ['ignore', 'pipe', 'ignore'] });
  const waiters: Array<(event: { event: string; devices?: Array<{ health: string }> }) => void> = [];
  createInterface({ input: peer.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    for (const w of [...waiters]) w(event);
  });
  const next = (check: (event: { event: string; devices?: Array<{ health: string }> }) => boolean) =>
    new Promise<void>((resolve) => {
      const waiter = (event: { event: string; devices?: Array<{ health: string }> }) => {
        if (!check(event)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve();
      };
      waiters.push(waiter);
    });
  const unhealthy = (e: { devices?: Array<{ health: string }> }) =>
    e.devices?.filter((d) => d.health === 'Unhealthy').length ?? 0;
  const firstList = next((e) => e.event === 'devices' && unhealthy(e) === 0);
  const plugin = await startPlugin({
    config: CONFIG,
    sysfsRoot: fake.root,
    kubeletDir,
    nodeName: 'bench',
    pollIntervalMs,
    logger: silentLogger,
  });
  await firstList;
  const samples: number[] = [];
  for (let i = 0; i < flips; i++) {
    const down = i % 2 === 0;
    // Flip at a random phase of the poll period, as a real link change would happen.
    await new Promise((r) => setTimeout(r, Math.random() * pollIntervalMs));
    const arrived = next((e) => e.event === 'devices' && unhealthy(e) === (down ? 64 : 0));
    const start = process.hrtime.bigint();
    fake.setOperstate('0000:20:00.0', down ? 'down' : 'up');
    await arrived;
    samples.push(ms(start));
  }
  await plugin.stop();
  peer.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
  return { pollIntervalMs, ...summarize(samples) };
}

const fake = largeSysfs(4, 64);
const pool = assignPools(CONFIG, discover(fake.root).pfs).pools[0] as Pool;
const discovery = benchDiscovery(fake.root, 500);
console.log(
  `discovery of ${discovery.vfs} VFs: p50 ${discovery.p50.toFixed(2)} ms, p99 ${discovery.p99.toFixed(2)} ms`,
);
const allocatePure = benchAllocatePure(pool, 20_000);
console.log(
  `allocate (pure): p50 ${(allocatePure.p50 * 1000).toFixed(1)} µs, p99 ${(allocatePure.p99 * 1000).toFixed(1)} µs`,
);

const kubeletDir = mkdtempSync(join(tmpdir(), 'kubehpc-dp-bench-alloc-'));
const plugin = await startPlugin({
  config: CONFIG,
  sysfsRoot: fake.root,
  kubeletDir,
  nodeName: 'bench',
  pollIntervalMs: 500,
  logger: silentLogger,
});
const socket = plugin.endpoints.get(SRIOV_VF_RESOURCE)?.socketPath as string;
const allocateGrpc = await benchAllocateGrpc(socket, pool, 5_000);
console.log(
  `Allocate over gRPC: p50 ${allocateGrpc.p50.toFixed(3)} ms, p99 ${allocateGrpc.p99.toFixed(3)} ms`,
);
await plugin.stop();
rmSync(kubeletDir, { recursive: true, force: true });
fake.remove();

const health = [];
for (const interval of [500, 100]) {
  const result = await benchHealthPropagation(interval, 40);
  console.log(
    `health change → kubelet peer (poll ${interval} ms): p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, max ${result.max.toFixed(0)} ms`,
  );
  health.push(result);
}

writeReport('device-plugins', {
  discovery256Vfs: discovery,
  allocatePureMs: allocatePure,
  allocateGrpcMs: allocateGrpc,
  healthChangeToKubeletMs: health,
});
process.exit(0);
