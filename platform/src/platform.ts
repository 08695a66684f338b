// Bringing the local platform up and down: the steps in order, each idempotent. The CLI
// entry points (cli/up.ts, cli/down.ts) and the e2e harness both call these.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { loadClientNodeConfig } from '../../common/kube/clientnode.ts';
import { REAL_NODE_NAME } from '../../common/names.ts';
import { type Binaries, ensureBinaries } from './binaries.ts';
import { METRICS_SERVER, metricsApiService, metricsServerFoundation } from './components/metrics-server.ts';
import { CLUSTER_NAME, type ComponentSpec, componentSpecs, SERVICE_IP } from './components/specs.ts';
import { probe, waitUntil } from './health.ts';
import { applyObjects, register, registered, renderLocalOverlay, splitRegistration } from './install.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import { HOST, type Layout } from './layout.ts';
import { ensureNodes, loadFixture } from './nodes.ts';
import { ensurePki, pkiPlan } from './pki.ts';
import { portIsFree } from './ports.ts';
import { realNodePaths } from './realnode/config.ts';
import {
  checkHostTools,
  clearRealNode,
  ensureBridge,
  ensureInotifyRoom,
  foreignKubelet,
  saveSysctls,
} from './realnode/host.ts';
import { ensureImages, importImages } from './realnode/images.ts';
import { CONTAINERD, KUBELET, realNodeSpecs } from './realnode/specs.ts';
import { isRunning, readRecord, readRecords, start, stop } from './supervisor.ts';

export type Log = (line: string) => void;

const COMPONENT_TIMEOUT_MS = 120_000;

async function writeKubeconfigs(l: Layout): Promise<void> {
  await mkdir(l.configDir, { recursive: true });
  const ca = await readFile(join(l.pkiDir, 'ca.crt'), 'utf8');
  const server = `https://${HOST}:${l.ports.apiserver}`;
  const write = async (path: string, user: string, certFile: string) => {
    const yaml = kubeconfigYaml({
      clusterName: CLUSTER_NAME,
      userName: user,
      server,
      caPem: ca,
      certPem: await readFile(join(l.pkiDir, `${certFile}.crt`), 'utf8'),
      keyPem: await readFile(join(l.pkiDir, `${certFile}.key`), 'utf8'),
    });
    await writeFile(path, yaml, { mode: 0o600 });
  };
  await write(l.kubeconfig, 'admin', 'admin');
  for (const who of [
    'controller-manager',
    'scheduler',
    'kwok',
    'scheduler-extender',
    'kubehpc-controller-manager',
    'metrics-server',
  ]) {
    await write(join(l.configDir, `${who}.kubeconfig`), who, who);
  }
}

/** .local/bin holds links to the pinned binaries, so the matching kubectl is one PATH entry away. */
async function linkBinaries(l: Layout, bin: Binaries): Promise<void> {
  await mkdir(l.binDir, { recursive: true });
  const links: Record<string, string> = {
    etcd: bin.etcd,
    'kube-apiserver': bin.kubeApiserver,
    'kube-controller-manager': bin.kubeControllerManager,
    'kube-scheduler': bin.kubeScheduler,
    kubectl: bin.kubectl,
    kwok: bin.kwok,
  };
  for (const [name, target] of Object.entries(links)) {
    const path = join(l.binDir, name);
    await rm(path, { force: true });
    await symlink(target, path);
  }
}

/** What a process was started from: binary, flags, the files written for it, its sources. */
function fingerprint(spec: ComponentSpec): string {
  const hash = createHash('sha256').update(
    JSON.stringify([spec.binary, spec.args, Object.entries(spec.files ?? {}).sort()]),
  );
  for (const dir of spec.sources ?? []) {
    for (const file of sourceFiles(dir)) hash.update(`${file}\0`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

function sourceFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export interface PlatformStatus {
  /** Running with the binary, flags and files they would be started with now. */
  running: string[];
  /** Running, but started from another binary, flags or config: `up` restarts them. */
  stale: string[];
  stopped: string[];
}

export async function status(l: Layout, specs: ComponentSpec[]): Promise<PlatformStatus> {
  const result: PlatformStatus = { running: [], stale: [], stopped: [] };
  for (const spec of specs) {
    const record = await readRecord(l.runDir, spec.name);
    if (!record || !isRunning(record)) result.stopped.push(spec.name);
    else if (record.fingerprint !== fingerprint(spec)) result.stale.push(spec.name);
    else result.running.push(spec.name);
  }
  return result;
}

/**
 * True when any process of this platform is alive: someone is using it, so a test run
 * reuses it (restarting what is missing) and leaves it running afterwards.
 */
export async function isInUse(l: Layout): Promise<boolean> {
  return (await readRecords(l.runDir)).some((r) => isRunning(r));
}

async function startComponent(l: Layout, spec: ComponentSpec, log: Log): Promise<void> {
  const record = await readRecord(l.runDir, spec.name);
  const wanted = fingerprint(spec);
  if (record && isRunning(record)) {
    if (record.fingerprint === wanted) {
      await waitUntil(spec.name, () => probe(spec.health, l.pkiDir), COMPONENT_TIMEOUT_MS);
      return;
    }
    log(`${spec.name}: its binary, flags or configuration changed since it started; restarting it`);
    await stop(l.runDir, record);
  }
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  const started = await start(l.runDir, l.logDir, {
    name: spec.name,
    binary: spec.binary,
    args: spec.args,
    fingerprint: wanted,
  });
  log(`started ${spec.name} (pid ${started.pid}, log ${started.log})`);
  await waitUntil(
    spec.name,
    () => probe(spec.health, l.pkiDir),
    COMPONENT_TIMEOUT_MS,
    () => isRunning(started),
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n  see ${started.log}`);
  });
}

function portOwners(l: Layout): Array<[string, number]> {
  const p = l.ports;
  return [
    ['etcd', p.etcdClient],
    ['etcd', p.etcdPeer],
    ['etcd', p.etcdMetrics],
    ['kube-apiserver', p.apiserver],
    ['kube-controller-manager', p.controllerManager],
    ['kube-scheduler', p.scheduler],
    ['kwok', p.kwok],
    ['scheduler-extender', p.schedulerExtender],
    ['kubehpc-apiserver', p.kubehpcApiserver],
    ['kubehpc-controllers', p.kubehpcControllers],
    ['prometheus', p.prometheus],
    ['metrics-server', p.metricsServer],
    ...(l.realNode
      ? ([
          [KUBELET, p.kubeletHealthz],
          [CONTAINERD, p.containerdMetrics],
        ] as Array<[string, number]>)
      : []),
  ];
}

/** Ports the platform would use that something else holds; a clear error beats a crash loop. */
async function checkPorts(l: Layout, ours: Set<string>): Promise<void> {
  const taken: string[] = [];
  for (const [owner, port] of portOwners(l)) {
    if (ours.has(owner)) continue;
    if (!(await portIsFree(HOST, port))) taken.push(`${HOST}:${port} (for ${owner})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `ports already in use by another program: ${taken.join(', ')}.\n` +
        '  Stop that program, or run a separate platform with KUBEHPC_PORT_BASE=<port> and KUBEHPC_LOCAL_DIR=<dir>.',
    );
  }
}

/** The admin kubeconfig the platform wrote, loaded by the one loader every program uses. */
export function adminKubeConfig(l: Layout): KubeConfig {
  return loadClientNodeConfig({ kubeconfig: l.kubeconfig });
}

async function waitForCrd(kc: KubeConfig, name: string): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  await waitUntil(
    `CRD ${name}`,
    async () => {
      const crd = (await client.read({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name },
      })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      const ok =
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      return { ok, detail: ok ? 'established' : 'not established yet' };
    },
    60_000,
  );
}

async function waitForNodesReady(kc: KubeConfig, names: string[], what = 'simulated nodes'): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  await waitUntil(
    `${names.length} ${what} Ready`,
    async () => {
      const list = await client.list('v1', 'Node');
      const ready = new Set(
        list.items
          .filter((n) =>
            (
              (n as { status?: { conditions?: Array<{ type: string; status: string }> } }).status
                ?.conditions ?? []
            ).some((c) => c.type === 'Ready' && c.status === 'True'),
          )
          .map((n) => n.metadata?.name),
      );
      const missing = names.filter((n) => !ready.has(n));
      return { ok: missing.length === 0, detail: `not Ready: ${missing.join(', ')}` };
    },
    COMPONENT_TIMEOUT_MS,
  );
}

async function waitForDefaultServiceAccount(kc: KubeConfig): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  await waitUntil(
    'default ServiceAccount',
    async () => {
      try {
        await client.read({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default', namespace: 'default' },
        });
        return { ok: true, detail: 'present' };
      } catch (error) {
        return { ok: false, detail: String((error as Error).message).slice(0, 200) };
      }
    },
    COMPONENT_TIMEOUT_MS,
  );
}

/**
 * Registers the kubehpc API server's APIServices (from the local overlay) with the aggregation
 * layer — only once it reliably serves discovery, and rolled back unless they turn Available.
 */
async function registerKubehpcApiserver(l: Layout, apiServices: KubernetesObject[], log: Log): Promise<void> {
  const pki = (file: string) => join(l.pkiDir, file);
  await register(
    adminKubeConfig(l),
    apiServices,
    {
      port: l.ports.kubehpcApiserver,
      caFile: pki('ca.crt'),
      certFile: pki('admin.crt'),
      keyFile: pki('admin.key'),
    },
    log,
  );
}

/**
 * Registers metrics-server's APIService (RBAC and Service first). One that does not turn
 * Available is removed again, with a warning: an unavailable APIService breaks discovery for
 * every client, and the platform is usable without `kubectl top`.
 */
async function registerMetricsServer(l: Layout, specs: ComponentSpec[], log: Log): Promise<void> {
  const spec = specs.find((s) => s.name === METRICS_SERVER);
  if (spec === undefined || !(await probe(spec.health, l.pkiDir)).ok) return;
  const kc = adminKubeConfig(l);
  await applyObjects(kc, metricsServerFoundation() as unknown as KubernetesObject[]);
  const apiService = metricsApiService(l, await readFile(join(l.pkiDir, 'ca.crt'), 'utf8'));
  if (await registered(kc, [apiService as unknown as KubernetesObject])) return;
  try {
    await register(
      kc,
      [apiService as unknown as KubernetesObject],
      {
        port: l.ports.metricsServer,
        caFile: join(l.pkiDir, 'ca.crt'),
        certFile: join(l.pkiDir, 'admin.crt'),
        keyFile: join(l.pkiDir, 'admin.key'),
      },
      log,
    );
  } catch (error) {
    log(
      `warning: metrics-server not registered, kubectl top and CPU/memory scaling rules stay unavailable: ${(error as Error).message}`,
    );
  }
}

export interface UpResult {
  alreadyRunning: boolean;
  nodes: string[];
  /** The real node's name when this platform runs one. */
  realNode: string | undefined;
  binaries: Binaries;
  seconds: number;
}

export async function up(l: Layout, log: Log): Promise<UpResult> {
  const began = Date.now();
  const binaries = await ensureBinaries(l.repoRoot, l.cacheDir, log);
  const specs = componentSpecs(l, binaries);
  const before = await status(l, specs);
  const alreadyRunning = before.stopped.length === 0 && before.stale.length === 0 && existsSync(l.kubeconfig);
  const nodes = await loadFixture(l.repoRoot);
  await linkBinaries(l, binaries);
  if (!alreadyRunning) {
    const alive = (await readRecords(l.runDir)).filter((r) => isRunning(r)).map((r) => r.name);
    await checkPorts(l, new Set([...before.running, ...before.stale, ...alive]));
    await ensurePki(l.pkiDir, pkiPlan(SERVICE_IP));
    await writeKubeconfigs(l);
    await mkdir(l.etcdDataDir, { recursive: true, mode: 0o700 });
  }
  const [etcd, apiserver, ...rest] = specs as [ComponentSpec, ComponentSpec, ...ComponentSpec[]];
  await startComponent(l, etcd, log);
  await startComponent(l, apiserver, log);
  // manifests/overlays/local: what a real cluster gets, less the workloads (run here as processes).
  const { foundation, apiServices } = splitRegistration(await renderLocalOverlay(l, binaries.kubectl));
  // The namespaces, CRD and RBAC the extender's informers and the API server need from their
  // start; applied on every `up` (a no-op when unchanged), so edits to the overlay take effect.
  await applyObjects(adminKubeConfig(l), foundation);
  // metrics-server's RBAC before it starts: without it, it cannot read the authentication
  // ConfigMap, list nodes or pods, and never turns healthy.
  await applyObjects(adminKubeConfig(l), metricsServerFoundation() as unknown as KubernetesObject[]);
  await waitForCrd(adminKubeConfig(l), 'noderesourcetopologies.topology.node.k8s.io');
  for (const spec of rest.filter((s) => s.early)) await startComponent(l, spec, log);
  await Promise.all(
    rest
      .filter((s) => !s.early && !s.late)
      .map((spec) =>
        startComponent(l, spec, log).catch((error: Error) => {
          if (!spec.optional) throw error;
          log(`warning: ${spec.name} did not start; the platform runs without it: ${error.message}`);
        }),
      ),
  );
  if (!alreadyRunning || !(await registered(adminKubeConfig(l), apiServices))) {
    await registerKubehpcApiserver(l, apiServices, log);
  }
  await Promise.all(rest.filter((s) => s.late).map((spec) => startComponent(l, spec, log)));
  if (!alreadyRunning) {
    const kc = adminKubeConfig(l);
    await ensureNodes(kc, nodes, log);
    await waitForNodesReady(
      kc,
      nodes.map((n) => n.name),
    );
    await waitForDefaultServiceAccount(kc);
  }
  await registerMetricsServer(l, specs, log);
  if (l.realNode) await startRealNode(l, binaries, log);
  return {
    alreadyRunning,
    nodes: nodes.map((n) => n.name),
    realNode: l.realNode ? REAL_NODE_NAME : undefined,
    binaries,
    seconds: (Date.now() - began) / 1000,
  };
}

/**
 * Starts the real node real-0 (containerd, the images, the kubelet) on a running control
 * plane, restarting only what died. When neither of its processes runs, whatever an earlier
 * node left on the host is cleared first.
 */
export async function startRealNode(l: Layout, binaries: Binaries, log: Log): Promise<void> {
  checkHostTools();
  const other = foreignKubelet(l);
  if (other !== undefined) {
    throw new Error(
      `another kubelet (pid ${other}) runs on this machine; its fixed host paths allow one real node per machine.\n` +
        '  Stop that platform, or start this one without the real node: KUBEHPC_REAL_NODE=0',
    );
  }
  const specs = realNodeSpecs(l, binaries);
  const running = async (name: string) => {
    const record = await readRecord(l.runDir, name);
    return record !== undefined && isRunning(record);
  };
  if (!(await running(CONTAINERD)) && !(await running(KUBELET))) {
    await clearRealNode(l, log);
    await saveSysctls(l);
  }
  await ensureInotifyRoom(log);
  const pki = pkiPlan(SERVICE_IP);
  await ensurePki(l.pkiDir, pki);
  const p = realNodePaths(l);
  await writeFile(
    p.kubeletKubeconfig,
    kubeconfigYaml({
      clusterName: CLUSTER_NAME,
      userName: `system:node:${REAL_NODE_NAME}`,
      server: `https://${HOST}:${l.ports.apiserver}`,
      caPem: await readFile(join(l.pkiDir, 'ca.crt'), 'utf8'),
      certPem: await readFile(join(l.pkiDir, 'kubelet-client.crt'), 'utf8'),
      keyPem: await readFile(join(l.pkiDir, 'kubelet-client.key'), 'utf8'),
    }),
    { mode: 0o600 },
  );
  for (const dir of [
    p.containerdRoot,
    p.containerdState,
    p.ipamDir,
    p.kubeletRoot,
    p.podLogs,
    p.volumePlugins,
  ]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await ensureBridge();
  const images = await ensureImages(l.repoRoot, l.cacheDir, log);
  await startComponent(l, specs.containerd, log);
  await importImages('/usr/bin/ctr', p.containerdSocket, images, log);
  await startComponent(l, specs.kubelet, log);
  await waitForNodesReady(adminKubeConfig(l), [REAL_NODE_NAME], 'real node');
}

/** Stops the real node and clears everything it made on the host. */
export async function stopRealNode(l: Layout, log: Log): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of [KUBELET, CONTAINERD]) {
    const record = await readRecord(l.runDir, name);
    if (record && (await stop(l.runDir, record)) === 'stopped') {
      stopped.push(name);
      log(`stopped ${name} (pid ${record.pid})`);
    }
  }
  await clearRealNode(l, log);
  return stopped;
}

export interface DownResult {
  stopped: string[];
  busyPorts: string[];
}

/** Stops every process this platform started and checks its ports are free. */
export async function down(l: Layout, log: Log): Promise<DownResult> {
  // Clients first, then kube-apiserver, then etcd: nothing loses its server while still running.
  const rank = (name: string) => ['kube-apiserver', 'etcd'].indexOf(name);
  const records = (await readRecords(l.runDir)).sort(
    (a, b) => rank(a.name) - rank(b.name) || b.startedAt.localeCompare(a.startedAt),
  );
  // The real node first (also when this platform was started with it and no longer wants it).
  const hasRealNode = l.realNode || records.some((r) => r.name === KUBELET || r.name === CONTAINERD);
  const stopped: string[] = hasRealNode ? await stopRealNode(l, log) : [];
  for (const record of records.filter((r) => !stopped.includes(r.name))) {
    const outcome = await stop(l.runDir, record);
    if (outcome === 'stopped') {
      stopped.push(record.name);
      log(`stopped ${record.name} (pid ${record.pid})`);
    }
  }
  const busyPorts: string[] = [];
  for (const [owner, port] of portOwners(l)) {
    if (!(await portIsFree(HOST, port))) busyPorts.push(`${HOST}:${port} (${owner})`);
  }
  return { stopped, busyPorts };
}
