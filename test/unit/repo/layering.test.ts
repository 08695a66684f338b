// The layering is enforced by the lint step, not just described: probe files that break it,
// linted with the repository's own biome.json, must be refused, and the allowed directions
// must pass. The probes live in a temporary copy of the folder structure, never in the tree.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');

/** file → the module it imports; `refused` says whether the layering must refuse it. */
const PROBES: Array<{ file: string; imports: string; refused: boolean }> = [
  {
    file: 'apiserver/src/controllers/p1.ts',
    imports: '../../../scheduler-extender/src/engine/evaluate.ts',
    refused: true,
  },
  { file: 'scheduler-extender/src/p2.ts', imports: '../../device-plugins/src/plugin.ts', refused: true },
  { file: 'kubectl-plugin/src/p3.ts', imports: '../../apiserver/src/registry/registry.ts', refused: true },
  { file: 'platform/src/p4.ts', imports: '../../apiserver/src/server/server.ts', refused: true },
  { file: 'common/p5.ts', imports: '../apiserver/src/server/server.ts', refused: true },
  { file: 'common/apis/p6.ts', imports: '../../apiserver/src/storage/store.ts', refused: true },
  { file: 'apiserver/src/storage/p7.ts', imports: '../server/server.ts', refused: true },
  { file: 'apiserver/src/controllers/p8.ts', imports: '../registry/registry.ts', refused: true },
  { file: 'apiserver/src/server/p9.ts', imports: '../registry/registry.ts', refused: false },
  { file: 'apiserver/src/controllers/p10.ts', imports: '../../../common/apis/kind.ts', refused: false },
  { file: 'kubectl-plugin/src/p12.ts', imports: '../../common/apis/apps/v1alpha1/types.ts', refused: false },
  { file: 'device-plugins/src/p11.ts', imports: '../../common/log.ts', refused: false },
  { file: 'apiserver/src/server/auth/p13.ts', imports: '../../registry/registry.ts', refused: true },
  { file: 'apiserver/src/server/auth/p14.ts', imports: '../../storage/store.ts', refused: true },
  { file: 'apiserver/src/server/auth/p15.ts', imports: '../verbs.ts', refused: true },
  {
    file: 'apiserver/src/server/auth/p16.ts',
    imports: '../../../../common/apis/meta/errors.ts',
    refused: false,
  },
  { file: 'apiserver/src/server/auth/p17.ts', imports: '../requestinfo.ts', refused: false },
  { file: 'apiserver/src/server/admission/p18.ts', imports: '../../registry/types.ts', refused: false },
  { file: 'apiserver/src/server/admission/p19.ts', imports: '../../cmd/start.ts', refused: true },
  { file: 'apiserver/src/storage/p20.ts', imports: '../registry/types.ts', refused: true },
  { file: 'apiserver/src/registry/p21.ts', imports: '../server/auth/authn.ts', refused: true },
  { file: 'apiserver/src/registry/p22.ts', imports: '../storage/object-store.ts', refused: false },
];

t.test('the lint step refuses imports that break the layering, and only those', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubehpc-layering-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8'));
  config.$schema = undefined;
  config.vcs = { enabled: false };
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  for (const probe of PROBES) {
    mkdirSync(dirname(join(dir, probe.file)), { recursive: true });
    writeFileSync(join(dir, probe.file), `import { x } from '${probe.imports}';\nexport const y = x;\n`);
  }
  const biome = join(root, 'node_modules/.bin/biome');
  const output = await run(biome, ['lint', '--max-diagnostics=100', '.'], { cwd: dir }).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => (e.stdout ?? '') + (e.stderr ?? ''),
  );
  for (const probe of PROBES) {
    const flagged = new RegExp(
      `${probe.file.replace(/[.]/g, '\\.')}:\\d+:\\d+ lint/style/noRestrictedImports`,
    ).test(output);
    t.equal(flagged, probe.refused, `${probe.file} importing ${probe.imports}`);
  }
});
