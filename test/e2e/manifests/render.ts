// Rendering kubehpc's Kustomize overlays in the manifest tests, with the platform's pinned
// kubectl (its built-in kustomize is the one users get with `kubectl apply -k`).

import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { type CommandResult, kubectl, platform } from '../../support/cluster.ts';

export const MANIFESTS = join(platform.repoRoot, 'manifests');

/** Every optional component. */
export const COMPONENTS = [
  'cert-manager',
  'prometheus-operator',
  'prometheus-rules',
  'grafana-dashboard',
  'second-scheduler',
];

export interface Doc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read field by field
  [field: string]: any;
}

export function documents(yaml: string): Doc[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJSON() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

interface Teardown {
  teardown(fn: () => void): void;
}

/**
 * A kustomization of an overlay with optional components, in a folder of its own under the
 * platform's directory (kustomize refers to bases by relative path); removed at teardown.
 */
export function withComponents(t: Teardown, overlay: string, components: string[]): string {
  const dir = join(platform.localDir, `kustomize-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(dir, join(MANIFESTS, overlay))],
      components: components.map((c) => relative(dir, join(MANIFESTS, 'components', c))),
    }),
  );
  return dir;
}

export function kustomize(dir: string): Promise<CommandResult> {
  return kubectl(['kustomize', dir]);
}
