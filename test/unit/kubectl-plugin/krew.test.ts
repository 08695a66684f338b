// The krew manifest follows krew's validation rules (krew's pkg/index/validation): a valid
// plugin name equal to the executable's suffix, a "v"-prefixed semantic version equal to the
// plugin's package version, a short description, and platforms each with a selector, an
// https uri, a sha256 of 64 hex digits and a bin that exists in the repository.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';

const repo = join(import.meta.dirname, '../../..');
const manifest = parse(readFileSync(join(repo, 'manifests/krew/hpc.yaml'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(repo, 'kubectl-plugin/package.json'), 'utf8'));

t.test('kind, apiVersion and name', async (t) => {
  t.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  t.equal(manifest.kind, 'Plugin');
  t.match(
    manifest.metadata.name,
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'krew plugin names: lower case, digits, dashes',
  );
  t.equal(
    `kubectl-${manifest.metadata.name}`,
    pkg.oclif.bin,
    'the name is what follows kubectl- in the executable',
  );
});

t.test('version is semver with a leading v, equal to the plugin package', async (t) => {
  t.match(
    manifest.spec.version,
    /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/,
  );
  t.equal(manifest.spec.version, `v${pkg.version}`);
  t.ok(manifest.spec.shortDescription.length > 0 && manifest.spec.shortDescription.length <= 50);
});

t.test('every platform has a selector, https uri, sha256 and an existing bin', async (t) => {
  t.ok(manifest.spec.platforms.length > 0);
  const selectors = new Set<string>();
  for (const p of manifest.spec.platforms) {
    const labels = p.selector?.matchLabels ?? {};
    t.ok(['linux', 'darwin', 'windows'].includes(labels.os), `os ${labels.os}`);
    const key = JSON.stringify(labels);
    t.notOk(selectors.has(key), `selector ${key} appears once`);
    selectors.add(key);
    t.match(p.uri, /^https:\/\/.+\.(tar\.gz|zip)$/);
    t.match(p.sha256, /^[0-9a-f]{64}$/);
    t.ok(existsSync(join(repo, p.bin)), `${p.bin} exists`);
  }
});
