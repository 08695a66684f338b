// Where the local platform lives: its directories, files and loopback ports. Every other
// module asks this one; nothing else spells a path or a port number.
//
// KUBEHPC_LOCAL_DIR and KUBEHPC_PORT_BASE let a second, independent platform run beside
// the default one (the lifecycle tests do this); KUBEHPC_CACHE_DIR moves the binary cache.
// KUBEHPC_REAL_NODE=1|0 turns the real node (real-0: kubelet + containerd) on or off. Unset,
// it is on for the default platform only, and off for one with its own KUBEHPC_LOCAL_DIR or
// KUBEHPC_PORT_BASE (lifecycle tests, benchmarks, engineers' parallel platforms): the
// kubelet's fixed host paths allow one real node per machine.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  etcdMetrics: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  schedulerExtender: number;
  /** The kubehpc aggregated API server (HTTPS). */
  kubehpcApiserver: number;
  /** The kubehpc controllers' /healthz, /readyz and /metrics (HTTP). */
  kubehpcControllers: number;
  /** Prometheus' HTTP API and UI. */
  prometheus: number;
  /**
   * A second Prometheus address the scaling controller accepts besides the platform's own
   * (--prometheus-allowed-urls): nothing listens there unless a user starts one.
   */
  prometheusSpare: number;
  /** metrics-server (HTTPS), behind the APIService v1beta1.metrics.k8s.io. */
  metricsServer: number;
  /** The real node's kubelet API (HTTPS: logs, exec, /metrics/resource). */
  kubelet: number;
  /** The real node's kubelet /healthz (HTTP). */
  kubeletHealthz: number;
  /** The real node's containerd /v1/metrics (HTTP), its health probe. */
  containerdMetrics: number;
}

export interface Layout {
  repoRoot: string;
  localDir: string;
  pkiDir: string;
  configDir: string;
  logDir: string;
  runDir: string;
  etcdDataDir: string;
  binDir: string;
  kubeconfig: string;
  cacheDir: string;
  /** Whether this platform runs the real node real-0 (see KUBEHPC_REAL_NODE above). */
  realNode: boolean;
  /** The real node's state: containerd's root and state, the kubelet's root, CNI, logs. */
  realNodeDir: string;
  ports: Ports;
}

/** The repository root: the nearest directory upwards holding kubehpc's package.json. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'kubehpc') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no kubehpc package.json above ${start}`);
    dir = parent;
  }
}

/** Ports from a base: the defaults are the upstream components' usual ones. */
export function portsFrom(base: number | undefined): Ports {
  if (base === undefined) {
    return {
      etcdClient: 2379,
      etcdPeer: 2380,
      etcdMetrics: 2381,
      apiserver: 6443,
      controllerManager: 10257,
      scheduler: 10259,
      kwok: 10247,
      schedulerExtender: 10262,
      kubehpcApiserver: 9443,
      kubehpcControllers: 10263,
      prometheus: 19090,
      prometheusSpare: 19091,
      metricsServer: 10265,
      kubelet: 10250,
      kubeletHealthz: 10248,
      containerdMetrics: 10264,
    };
  }
  return {
    etcdClient: base,
    etcdPeer: base + 1,
    etcdMetrics: base + 2,
    apiserver: base + 3,
    controllerManager: base + 4,
    scheduler: base + 5,
    kwok: base + 6,
    // base + 8 and 9 are left for other components; the extender takes base + 10, the
    // controllers base + 11.
    schedulerExtender: base + 10,
    kubehpcApiserver: base + 7,
    kubehpcControllers: base + 11,
    prometheus: base + 15,
    metricsServer: base + 8,
    prometheusSpare: base + 9,
    // The real node: base + 12 to 14.
    kubelet: base + 12,
    kubeletHealthz: base + 13,
    containerdMetrics: base + 14,
  };
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBEHPC_CACHE_DIR) return resolve(env.KUBEHPC_CACHE_DIR);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubehpc');
}

/** KUBEHPC_REAL_NODE when set, else on for the default platform (own folder and ports) only. */
export function realNodeWanted(env: NodeJS.ProcessEnv): boolean {
  const value = env.KUBEHPC_REAL_NODE;
  if (value === undefined || value === '') return !env.KUBEHPC_LOCAL_DIR && !env.KUBEHPC_PORT_BASE;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`KUBEHPC_REAL_NODE must be 1 or 0, got ${value}`);
}

export function layout(env: NodeJS.ProcessEnv = process.env): Layout {
  const repoRoot = findRepoRoot();
  const localDir = env.KUBEHPC_LOCAL_DIR ? resolve(env.KUBEHPC_LOCAL_DIR) : join(repoRoot, '.local');
  const base = env.KUBEHPC_PORT_BASE ? Number.parseInt(env.KUBEHPC_PORT_BASE, 10) : undefined;
  if (base !== undefined && !(Number.isInteger(base) && base > 1024 && base < 65000)) {
    throw new Error(
      `KUBEHPC_PORT_BASE must be an integer between 1025 and 64999, got ${env.KUBEHPC_PORT_BASE}`,
    );
  }
  return {
    repoRoot,
    localDir,
    pkiDir: join(localDir, 'pki'),
    configDir: join(localDir, 'config'),
    logDir: join(localDir, 'logs'),
    runDir: join(localDir, 'run'),
    etcdDataDir: join(localDir, 'etcd'),
    binDir: join(localDir, 'bin'),
    kubeconfig: join(localDir, 'kubeconfig'),
    cacheDir: defaultCacheDir(env),
    realNode: realNodeWanted(env),
    realNodeDir: join(localDir, 'realnode'),
    ports: portsFrom(base),
  };
}
