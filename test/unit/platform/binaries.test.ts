import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  BUILDS,
  binaryName,
  modulePathOf,
  pinnedVersion,
  planBuild,
} from '../../../platform/src/binaries.ts';
import { findRepoRoot } from '../../../platform/src/layout.ts';

const repoRoot = findRepoRoot();

t.test('reads the pinned version from go.mod, in either require form', async (t) => {
  t.equal(pinnedVersion('module x\n\nrequire k8s.io/kubernetes v1.36.3\n', 'k8s.io/kubernetes'), 'v1.36.3');
  t.equal(
    pinnedVersion('module x\nrequire (\n\tsigs.k8s.io/kwok v0.8.0\n\tother v1\n)\n', 'sigs.k8s.io/kwok'),
    'v0.8.0',
  );
  t.throws(() => pinnedVersion('module x\n', 'sigs.k8s.io/kwok'), /does not require/);
  t.equal(modulePathOf('// c\nmodule kubehpc.dev/a/etcd\n'), 'kubehpc.dev/a/etcd');
});

t.test('names binaries the way go build -o dir/ does', async (t) => {
  t.equal(binaryName('k8s.io/kubernetes/cmd/kube-apiserver', 'm'), 'kube-apiserver');
  t.equal(binaryName('.', 'kubehpc.dev/platform/controlplane/etcd'), 'etcd');
});

t.test('the committed pins are the releases the platform promises', async (t) => {
  const plans = await Promise.all(Object.keys(BUILDS).map((name) => planBuild(name, repoRoot, '/nowhere')));
  const version = (name: string) => plans.find((p) => p.name === name)?.version ?? '';
  t.match(version('etcd'), /^v3\.(5|6)\./, 'etcd 3.5 or 3.6');
  t.match(version('kubernetes'), /^v1\.3[4-9]\./, 'a recent Kubernetes');
  t.match(version('kwok'), /^v0\./);
  t.match(version('metrics-server'), /^v0\.(8|9|1\d)\./, 'metrics-server, pinned');
  for (const plan of plans) {
    t.equal(plan.env.GOTOOLCHAIN, 'local');
    t.equal(plan.env.CGO_ENABLED, '0');
    t.equal(plan.env.GOFLAGS, '-mod=readonly');
    t.ok(plan.args.includes('-trimpath'));
    t.match(plan.outDir, new RegExp(`${plan.name}-${plan.version.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
  }
  const k8s = plans.find((p) => p.name === 'kubernetes');
  t.match(k8s?.args.join(' ') ?? '', /k8s\.io\/component-base\/version\.gitVersion=v1\.36\.3/);
});

t.test("the real node runs the kubelet of the control plane's release, cached apart", async (t) => {
  const [k8s, kubelet] = await Promise.all([
    planBuild('kubernetes', repoRoot, '/cache'),
    planBuild('kubelet', repoRoot, '/cache'),
  ]);
  t.equal(kubelet.version, k8s.version, 'one k8s.io/kubernetes pin for both wrapper modules');
  t.match(kubelet.args.join(' '), new RegExp(`component-base/version\\.gitVersion=${k8s.version}`));
  t.same(kubelet.binaries, ['kubelet']);
  t.not(kubelet.outDir, k8s.outDir, 'a cache entry of its own');
  t.notOk(k8s.binaries.includes('kubelet'), 'the control-plane entry does not build it');
});

t.test('the cache key follows the module files, so only a pin change rebuilds', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'kubehpc-bin-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'package.json'), '{"name":"kubehpc"}');
  await cp(join(repoRoot, 'platform/controlplane/etcd'), join(root, 'platform/controlplane/etcd'), {
    recursive: true,
  });
  const first = await planBuild('etcd', root, '/cache');
  const again = await planBuild('etcd', root, '/cache');
  t.equal(again.key, first.key, 'stable for unchanged inputs');
  await writeFile(
    join(root, 'platform/controlplane/etcd/main.go'),
    '// changed\npackage main\nfunc main() {}\n',
  );
  const changed = await planBuild('etcd', root, '/cache');
  t.not(changed.key, first.key, 'a source change gives a new cache entry');
  t.equal(changed.version, first.version);
});
