// The deploy/update flags of issue 14, checked into spec fields: Secrets as env
// (--env-from-secret NAME, --secret-env KEY=SECRET/KEY), --pull-secret, --gpu N and
// --resource NAME=N, --node-selector KEY=VALUE, --toleration KEY[=VALUE][:EFFECT], and
// --volume SIZE:PATH. Every mistake is a UsageError before any request. Pure.

import { UsageError } from '../errors.ts';
import { parseCount } from '../values.ts';
import type { Spec } from './spec.ts';

export interface FieldFlags {
  'env-from-secret'?: string[] | undefined;
  'secret-env'?: string[] | undefined;
  'pull-secret'?: string[] | undefined;
  gpu?: string | undefined;
  resource?: string[] | undefined;
  'node-selector'?: string[] | undefined;
  toleration?: string[] | undefined;
  volume?: string | undefined;
}

/** The extended resource --gpu asks for. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function pair(value: string, flag: string, shape: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag} must be ${shape}, got "${value}"`);
  return [value.slice(0, at), value.slice(at + 1)];
}

function objectName(value: string, flag: string): string {
  if (!NAME.test(value)) throw new UsageError(`--${flag}: "${value}" is not a valid object name`);
  return value;
}

export function givenFields(flags: FieldFlags, spec: Spec): void {
  const secretEnv = (flags['secret-env'] ?? []).map((v) => {
    const [name, ref] = pair(v, 'secret-env', 'KEY=SECRET/KEY');
    const slash = ref.indexOf('/');
    if (slash <= 0 || slash === ref.length - 1)
      throw new UsageError(`--secret-env must be KEY=SECRET/KEY, got "${v}"`);
    return {
      name,
      valueFrom: {
        secretKeyRef: { name: objectName(ref.slice(0, slash), 'secret-env'), key: ref.slice(slash + 1) },
      },
    };
  });
  if (secretEnv.length > 0) spec.env = [...(spec.env ?? []), ...secretEnv];
  if (flags['env-from-secret']?.length)
    spec.envFrom = flags['env-from-secret'].map((n) => ({
      secretRef: { name: objectName(n, 'env-from-secret') },
    }));
  if (flags['pull-secret']?.length)
    spec.imagePullSecrets = flags['pull-secret'].map((n) => ({ name: objectName(n, 'pull-secret') }));
  const extended: Record<string, string> = {};
  if (flags.gpu !== undefined) extended[GPU_RESOURCE] = String(parseCount(flags.gpu, 'gpu'));
  for (const r of flags.resource ?? []) {
    const [name, amount] = pair(r, 'resource', 'NAME=N');
    if (!name.includes('/'))
      throw new UsageError(`--resource: "${name}" must be a domain-prefixed name such as example.org/fpga`);
    extended[name] = String(parseCount(amount, 'resource'));
  }
  if (Object.keys(extended).length > 0) spec.resources = { ...(spec.resources ?? {}), extended };
  const nodeSelector = Object.fromEntries(
    (flags['node-selector'] ?? []).map((s) => pair(s, 'node-selector', 'KEY=VALUE')),
  );
  const tolerations = (flags.toleration ?? []).map((v) => {
    const [head, effect] = v.split(':', 2) as [string, string | undefined];
    if (effect !== undefined && !(EFFECTS as readonly string[]).includes(effect))
      throw new UsageError(`--toleration effect must be one of ${EFFECTS.join(', ')}, got "${effect}"`);
    const at = head.indexOf('=');
    const key = at < 0 ? head : head.slice(0, at);
    if (key === '') throw new UsageError(`--toleration must be KEY[=VALUE][:EFFECT], got "${v}"`);
    return {
      key,
      ...(at < 0
        ? { operator: 'Exists' as const }
        : { operator: 'Equal' as const, value: head.slice(at + 1) }),
      ...(effect ? { effect: effect as (typeof EFFECTS)[number] } : {}),
    };
  });
  if (Object.keys(nodeSelector).length > 0 || tolerations.length > 0)
    spec.placement = {
      ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
      ...(tolerations.length > 0 ? { tolerations } : {}),
    };
  if (flags.volume !== undefined) {
    const at = flags.volume.indexOf(':');
    const size = flags.volume.slice(0, at);
    const path = flags.volume.slice(at + 1);
    if (at <= 0 || !path.startsWith('/'))
      throw new UsageError(`--volume must be SIZE:PATH such as 100Gi:/shared, got "${flags.volume}"`);
    spec.data = { size, mountPath: path };
  }
}
