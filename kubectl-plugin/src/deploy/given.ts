// The spec fields a deploy/update command line gives, checked: every mistake is a
// UsageError before any request. File contents come through `read`, so this stays pure.

import { basename } from 'node:path';
import { UsageError } from '../errors.ts';
import {
  parseChoice,
  parseCount,
  parseEnv,
  parseEnvFile,
  parseHealth,
  parsePort,
  parseQuantityFlag,
} from '../values.ts';
import { type FieldFlags, givenFields } from './fields.ts';
import type { Spec } from './spec.ts';

export interface SpecFlags extends FieldFlags {
  image?: string | undefined;
  replicas?: string | undefined;
  port?: string[] | undefined;
  env?: string[] | undefined;
  'env-file'?: string[] | undefined;
  'config-file'?: string[] | undefined;
  'config-mount'?: string | undefined;
  'on-config-change'?: string | undefined;
  cpu?: string | undefined;
  memory?: string | undefined;
  vf?: string | undefined;
  numa?: string | undefined;
  'local-disk'?: string | undefined;
  core?: boolean | undefined;
  health?: string | undefined;
}

export const DEFAULT_CONFIG_MOUNT = '/app/config';

/** Config files by their base name; two files with one base name are a usage error. */
export function configFiles(
  paths: readonly string[],
  read: (path: string) => string,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of paths) {
    const key = basename(path);
    if (!/^[-._a-zA-Z0-9]+$/.test(key))
      throw new UsageError(`config file name "${key}" is not a valid ConfigMap key`);
    if (Object.hasOwn(files, key)) throw new UsageError(`two config files are named "${key}"`);
    files[key] = read(path);
  }
  return files;
}

export function givenSpec(flags: SpecFlags, read: (path: string) => string): Spec {
  const spec: Spec = {};
  if (flags.image !== undefined) {
    if (flags.image.trim() === '' || /\s/.test(flags.image))
      throw new UsageError(
        `--image must be an image reference such as registry.example/app:1.0, got "${flags.image}"`,
      );
    spec.image = flags.image;
  }
  if (flags.replicas !== undefined) spec.replicas = parseCount(flags.replicas, 'replicas');
  if (flags.port?.length) {
    spec.ports = flags.port.map(parsePort);
    const names = new Set(spec.ports.map((p) => p.name));
    if (names.size !== spec.ports.length) throw new UsageError('--port: two ports share a name');
  }
  const env = [
    ...(flags['env-file'] ?? []).flatMap((f) => parseEnvFile(read(f), f)),
    ...(flags.env ?? []).map((e) => parseEnv(e)),
  ];
  if (env.length > 0) spec.env = [...new Map(env.map((e) => [e.name, e])).values()];
  if (flags.cpu !== undefined || flags.memory !== undefined)
    spec.resources = {
      ...(flags.cpu !== undefined ? { cpu: parseQuantityFlag(flags.cpu, 'cpu') } : {}),
      ...(flags.memory !== undefined ? { memory: parseQuantityFlag(flags.memory, 'memory') } : {}),
    };
  const files = flags['config-file']?.length ? configFiles(flags['config-file'], read) : undefined;
  if (files || flags['config-mount'] !== undefined || flags['on-config-change'] !== undefined) {
    const mount = flags['config-mount'];
    if (mount !== undefined && !mount.startsWith('/'))
      throw new UsageError(`--config-mount must be an absolute path, got "${mount}"`);
    spec.config = {
      mountPath: mount ?? DEFAULT_CONFIG_MOUNT,
      ...(files ? { files } : {}),
      ...(flags['on-config-change'] !== undefined
        ? {
            onChange: parseChoice(flags['on-config-change'], 'on-config-change', {
              live: 'Live',
              restart: 'Restart',
            } as const),
          }
        : {}),
    };
  }
  if (flags.vf !== undefined || flags.numa !== undefined || flags['local-disk'] !== undefined)
    spec.hardware = {
      ...(flags.vf !== undefined ? { sriovVFs: parseCount(flags.vf, 'vf') } : {}),
      ...(flags.numa !== undefined
        ? { numa: parseChoice(flags.numa, 'numa', { single: 'SingleNode', none: 'None' } as const) }
        : {}),
      ...(flags['local-disk'] !== undefined
        ? { localDisk: parseQuantityFlag(flags['local-disk'], 'local-disk') }
        : {}),
    };
  if (flags.core !== undefined) spec.core = flags.core;
  if (flags.health !== undefined) spec.healthCheck = parseHealth(flags.health);
  givenFields(flags, spec);
  return spec;
}
