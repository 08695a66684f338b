// The built binaries report the versions the wrapper modules pin. The pins are read here
// from the go.mod files themselves, not from what the code under test derived from them.
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ensureBinaries } from '../../../platform/src/binaries.ts';
import { kubectl, platform } from '../../support/cluster.ts';

const run = promisify(execFile);
const bins = await ensureBinaries(platform.repoRoot, platform.cacheDir, () => undefined);
const output = async (binary: string, args: string[]) => {
  const { stdout, stderr } = await run(binary, args);
  return stdout + stderr;
};

/** The version a wrapper module's go.mod requires of `module` (fails the test when absent). */
function pin(wrapper: string, module: string): string {
  const text = readFileSync(join(platform.repoRoot, 'platform/controlplane', wrapper, 'go.mod'), 'utf8');
  const escaped = module.replace(/[.]/g, '\\.');
  const match = new RegExp(`^(?:require\\s+|\\s+)${escaped}\\s+(v\\S+)`, 'm').exec(text);
  if (!match?.[1]) throw new Error(`${wrapper}/go.mod pins no ${module}`);
  return match[1];
}
const PINS = {
  kubernetes: pin('kubernetes', 'k8s.io/kubernetes'),
  etcd: pin('etcd', 'go.etcd.io/etcd/server/v3'),
  kwok: pin('kwok', 'sigs.k8s.io/kwok'),
};

t.test('every binary reports its pinned release', async (t) => {
  t.match(PINS.kubernetes, /^v1\.\d+\.\d+$/, 'a Kubernetes release is pinned');
  const k8s = PINS.kubernetes;
  t.match(await output(bins.kubeApiserver, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubeControllerManager, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubeScheduler, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubectl, ['version', '--client']), `Client Version: ${k8s}`);
  t.match(await output(bins.etcd, ['--version']), `etcd Version: ${PINS.etcd.replace(/^v/, '')}`);
  t.match(await output(bins.kwok, ['--version']), PINS.kwok.replace(/^v/, ''));
});

t.test('the running server is the pinned release and kubectl in .local/bin matches it', async (t) => {
  const result = await kubectl(['version', '-o', 'json']);
  t.equal(result.code, 0, result.stderr);
  const versions = JSON.parse(result.stdout) as {
    clientVersion: { gitVersion: string };
    serverVersion: { gitVersion: string };
  };
  t.equal(versions.serverVersion.gitVersion, PINS.kubernetes);
  t.equal(versions.clientVersion.gitVersion, PINS.kubernetes);
  t.equal(
    realpathSync(join(platform.binDir, 'kubectl')),
    realpathSync(bins.kubectl),
    '.local/bin/kubectl is the pinned build',
  );
});
