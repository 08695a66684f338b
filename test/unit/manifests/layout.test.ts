// The manifests hang together: every YAML file in a Kustomize folder is part of its
// kustomization (nothing written and silently never installed), every folder the overlays
// build on is a kustomization, and the second scheduler calls the extender exactly as the
// self-managed scheduler configuration does.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../manifests/', import.meta.url));

interface Kustomization {
  kind: string;
  resources?: string[];
  components?: string[];
  configMapGenerator?: Array<{ files: string[] }>;
}

const folders = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name === 'kustomization.yaml')
  .map((e) => e.parentPath);

t.test('every YAML file of a kustomization folder is used by it', async (t) => {
  t.ok(folders.length >= 14, `${folders.length} kustomizations`);
  for (const folder of folders) {
    const k = parse(readFileSync(join(folder, 'kustomization.yaml'), 'utf8')) as Kustomization;
    const used = new Set([...(k.resources ?? []), ...(k.configMapGenerator ?? []).flatMap((g) => g.files)]);
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
      t.ok(used.has(file), `${folder.slice(root.length)}/${file} is in its kustomization`);
    }
    for (const ref of [...(k.resources ?? []), ...(k.components ?? [])].filter((r) => !r.endsWith('.yaml'))) {
      t.ok(existsSync(join(folder, ref, 'kustomization.yaml')), `${folder.slice(root.length)} → ${ref}`);
    }
  }
});

t.test('optional parts are Components, overlays are Kustomizations', async (t) => {
  for (const folder of folders) {
    const k = parse(readFileSync(join(folder, 'kustomization.yaml'), 'utf8')) as Kustomization;
    const expected = folder.includes('/components/') ? 'Component' : 'Kustomization';
    t.equal(k.kind, expected, folder.slice(root.length));
  }
});

t.test('the second scheduler consults the extender as the self-managed configuration does', async (t) => {
  const read = (path: string) =>
    parse(readFileSync(join(root, path), 'utf8')) as {
      profiles: Array<{ schedulerName: string }>;
      extenders: unknown[];
    };
  const selfManaged = read('scheduler-extender/kube-scheduler-config.yaml');
  const second = read('components/second-scheduler/kube-scheduler-config.yaml');
  t.same(second.extenders, selfManaged.extenders);
  t.same(
    second.profiles.map((p) => p.schedulerName),
    ['kubehpc-scheduler'],
  );
});
