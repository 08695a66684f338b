// The control-plane binaries: which Go wrapper modules build them, how, and where the
// results are cached. A cache entry is keyed by the module's pinned version and a hash of
// everything that shapes the build (go.mod, go.sum, Go sources, toolchain, flags), so it is
// rebuilt only when a pin or the recipe changes and never inside the repository.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Bump when the build recipe below changes in a way the hashed inputs do not show. */
const RECIPE = 3;

export interface GoModuleBuild {
  /** Folder under platform/controlplane holding the wrapper module. */
  module: string;
  /** The upstream module whose pinned version (read from go.mod) names the build. */
  pin: string;
  /** Package paths to build, each producing the binary named after its last element. */
  packages: string[];
  /** -X linker flags so the binaries report their real version. */
  versionFlags(version: string): string[];
  /**
   * Data files the pinned upstream module ships, concatenated as YAML documents into one
   * file of the cache entry (kwok's stage definitions: standalone kwok runs none without).
   */
  assets?: Record<string, string[]>;
}

function kubernetesVersionFlags(version: string): string[] {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      // The module proxy does not carry the release commit; say so rather than invent one.
      `-X ${pkg}.gitCommit=unknown`,
    );
  }
  return flags;
}

export const BUILDS: Record<string, GoModuleBuild> = {
  etcd: {
    module: 'etcd',
    pin: 'go.etcd.io/etcd/server/v3',
    packages: ['.'],
    versionFlags: (v) => [`-X go.etcd.io/etcd/api/v3/version.GitSHA=release-${v}`],
  },
  kubernetes: {
    module: 'kubernetes',
    pin: 'k8s.io/kubernetes',
    packages: [
      'k8s.io/kubernetes/cmd/kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager',
      'k8s.io/kubernetes/cmd/kube-scheduler',
      'k8s.io/kubernetes/cmd/kubectl',
      // The kubelet side of the device plugin protocol, for the device plugin's e2e tests.
      'kubehpc.dev/platform/controlplane/kubernetes/cmd/kubelet-peer',
    ],
    versionFlags: kubernetesVersionFlags,
  },
  // The real node's kubelet: the same pinned release, in a wrapper module of its own so that
  // it is a cache entry of its own (a kubelet change never rebuilds the control plane).
  kubelet: {
    module: 'kubelet',
    pin: 'k8s.io/kubernetes',
    packages: ['k8s.io/kubernetes/cmd/kubelet'],
    versionFlags: kubernetesVersionFlags,
  },
  // The metrics.k8s.io API (kubectl top, the scaling controller's CPU and memory source).
  'metrics-server': {
    module: 'metrics-server',
    pin: 'sigs.k8s.io/metrics-server',
    packages: ['sigs.k8s.io/metrics-server/cmd/metrics-server'],
    versionFlags: (v) => [
      `-X k8s.io/client-go/pkg/version.gitVersion=${v}`,
      `-X k8s.io/component-base/version.gitVersion=${v}`,
    ],
  },
  kwok: {
    module: 'kwok',
    pin: 'sigs.k8s.io/kwok',
    packages: ['sigs.k8s.io/kwok/cmd/kwok'],
    versionFlags: (v) => [`-X sigs.k8s.io/kwok/pkg/consts.Version=${v.replace(/^v/, '')}`],
    assets: {
      'kwok-stages.yaml': [
        'kustomize/stage/node/fast/node-initialize.yaml',
        'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
        'kustomize/stage/pod/fast/pod-ready.yaml',
        'kustomize/stage/pod/fast/pod-complete.yaml',
        'kustomize/stage/pod/fast/pod-delete.yaml',
      ],
    },
  },
};

/** The version a go.mod pins for a module (`require <module> <version>`). */
export function pinnedVersion(goMod: string, module: string): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = goMod.match(new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm'));
  if (!match?.[1]) throw new Error(`go.mod does not require ${module}`);
  return match[1];
}

/** Binary name `go build -o dir/` gives a package. */
export function binaryName(pkg: string, modulePath: string): string {
  const path = pkg === '.' ? modulePath : pkg;
  return path.slice(path.lastIndexOf('/') + 1);
}

export function modulePathOf(goMod: string): string {
  const match = goMod.match(/^module\s+(\S+)/m);
  if (!match?.[1]) throw new Error('go.mod has no module line');
  return match[1];
}

export interface BuildPlan {
  name: string;
  moduleDir: string;
  version: string;
  key: string;
  outDir: string;
  binaries: string[];
  pin: string;
  assets: Record<string, string[]>;
  args: string[];
  env: Record<string, string>;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(go|mod|sum)$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

async function goVersion(): Promise<string> {
  const { stdout } = await run('go', ['env', 'GOVERSION', 'GOOS', 'GOARCH'], { env: goEnv() });
  return stdout.trim().replace(/\s+/g, '/');
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
}

export async function planBuild(name: string, repoRoot: string, cacheDir: string): Promise<BuildPlan> {
  const spec = BUILDS[name];
  if (!spec) throw new Error(`unknown control-plane build ${name}`);
  const moduleDir = join(repoRoot, 'platform', 'controlplane', spec.module);
  const goMod = await readFile(join(moduleDir, 'go.mod'), 'utf8');
  const version = pinnedVersion(goMod, spec.pin);
  const modulePath = modulePathOf(goMod);
  const ldflags = ['-s', '-w', ...spec.versionFlags(version)].join(' ');
  const args = ['build', '-trimpath', '-ldflags', ldflags, '-o', '<out>/', ...spec.packages];
  const hash = createHash('sha256');
  hash.update(
    `recipe ${RECIPE}\n${await goVersion()}\n${args.join(' ')}\n${JSON.stringify(spec.assets ?? {})}\n`,
  );
  for (const file of await sourceFiles(moduleDir)) {
    hash.update(`${relative(moduleDir, file)}\n`);
    hash.update(await readFile(file));
  }
  const key = hash.digest('hex').slice(0, 12);
  return {
    name,
    moduleDir,
    version,
    key,
    outDir: join(cacheDir, 'controlplane', `${name}-${version}-${key}`),
    binaries: [...spec.packages.map((p) => binaryName(p, modulePath)), ...Object.keys(spec.assets ?? {})],
    pin: spec.pin,
    assets: spec.assets ?? {},
    args,
    env: { GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  };
}

export function isBuilt(plan: BuildPlan): boolean {
  return plan.binaries.every((b) => existsSync(join(plan.outDir, b)));
}

/**
 * Builds a plan's binaries into a scratch folder next to the cache entry and renames it
 * into place, so a crash or a concurrent build never leaves a half-filled entry.
 */
export async function build(plan: BuildPlan, log: (line: string) => void): Promise<void> {
  if (isBuilt(plan)) return;
  const scratch = `${plan.outDir}.tmp-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const started = Date.now();
  log(`building ${plan.name} ${plan.version} (${plan.binaries.join(', ')}) — a cold build takes minutes`);
  const args = plan.args.map((a) => (a === '<out>/' ? `${scratch}/` : a));
  try {
    await run('go', args, { cwd: plan.moduleDir, env: goEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`go ${args.join(' ')} failed in ${plan.moduleDir}:\n${stderr.trim()}`);
  }
  if (Object.keys(plan.assets).length > 0) {
    const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', plan.pin], {
      cwd: plan.moduleDir,
      env: goEnv(),
    });
    const pinDir = stdout.trim();
    for (const [file, sources] of Object.entries(plan.assets)) {
      const docs = await Promise.all(sources.map((source) => readFile(join(pinDir, source), 'utf8')));
      await writeFile(join(scratch, file), `${docs.map((d) => d.trim()).join('\n---\n')}\n`);
    }
  }
  try {
    await rename(scratch, plan.outDir);
  } catch (error) {
    // Another build won the race; its result is as good as ours.
    await rm(scratch, { recursive: true, force: true });
    if (!isBuilt(plan)) throw error;
  }
  log(`built ${plan.name} in ${((Date.now() - started) / 1000).toFixed(0)} s → ${plan.outDir}`);
}

/** Drops the cache entries an earlier pin or recipe of the same build left behind. */
async function pruneOtherEntries(plan: BuildPlan): Promise<void> {
  const root = dirname(plan.outDir);
  for (const entry of await readdir(root)) {
    const path = join(root, entry);
    if (entry.startsWith(`${plan.name}-v`) && path !== plan.outDir && !entry.includes('.tmp-')) {
      await rm(path, { recursive: true, force: true });
    }
  }
}

export interface Binaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kubeletPeer: string;
  kubelet: string;
  kwok: string;
  kwokStages: string;
  metricsServer: string;
  versions: Record<string, string>;
}

/** Makes sure every control-plane binary is in the cache and says where each one is. */
export async function ensureBinaries(
  repoRoot: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<Binaries> {
  const plans = await Promise.all(Object.keys(BUILDS).map((name) => planBuild(name, repoRoot, cacheDir)));
  // One at a time: each Go build already uses every core.
  for (const plan of plans) {
    await build(plan, log);
    await pruneOtherEntries(plan);
  }
  const at = (name: string, bin: string) => {
    const plan = plans.find((p) => p.name === name);
    if (!plan) throw new Error(`no build plan ${name}`);
    return join(plan.outDir, bin);
  };
  return {
    etcd: at('etcd', 'etcd'),
    kubeApiserver: at('kubernetes', 'kube-apiserver'),
    kubeControllerManager: at('kubernetes', 'kube-controller-manager'),
    kubeScheduler: at('kubernetes', 'kube-scheduler'),
    kubectl: at('kubernetes', 'kubectl'),
    kubeletPeer: at('kubernetes', 'kubelet-peer'),
    kubelet: at('kubelet', 'kubelet'),
    kwok: at('kwok', 'kwok'),
    kwokStages: at('kwok', 'kwok-stages.yaml'),
    metricsServer: at('metrics-server', 'metrics-server'),
    versions: Object.fromEntries(plans.map((p) => [p.name, p.version])),
  };
}

/** Disk used by the binary cache, in bytes. */
export async function cacheSize(cacheDir: string): Promise<number> {
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    if (!existsSync(dir)) return;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else total += (await stat(path)).size;
    }
  };
  await walk(join(cacheDir, 'controlplane'));
  return total;
}
