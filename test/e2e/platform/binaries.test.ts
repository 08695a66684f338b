// The built binaries report the versions the wrapper modules pin.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
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

t.test('every binary reports its pinned release', async (t) => {
  const k8s = bins.versions.kubernetes ?? '';
  t.match(await output(bins.kubeApiserver, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubeControllerManager, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubeScheduler, ['--version']), `Kubernetes ${k8s}`);
  t.match(await output(bins.kubectl, ['version', '--client']), `Client Version: ${k8s}`);
  t.match(
    await output(bins.etcd, ['--version']),
    `etcd Version: ${(bins.versions.etcd ?? '').replace(/^v/, '')}`,
  );
  t.match(await output(bins.kwok, ['--version']), (bins.versions.kwok ?? '').replace(/^v/, ''));
});

t.test('the running server is the pinned release and kubectl in .local/bin matches it', async (t) => {
  const result = await kubectl(['version', '-o', 'json']);
  t.equal(result.code, 0, result.stderr);
  const versions = JSON.parse(result.stdout) as {
    clientVersion: { gitVersion: string };
    serverVersion: { gitVersion: string };
  };
  t.equal(versions.serverVersion.gitVersion, bins.versions.kubernetes);
  t.equal(versions.clientVersion.gitVersion, bins.versions.kubernetes);
  t.equal(
    realpathSync(join(platform.binDir, 'kubectl')),
    realpathSync(bins.kubectl),
    '.local/bin/kubectl is the pinned build',
  );
});
