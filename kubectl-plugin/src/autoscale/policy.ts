// The ScalingPolicy `autoscale` writes, from its flags: pure, every mistake a UsageError.

import type { ScalingRule } from '../../../common/apis/scaling/v1alpha1/types.ts';
import { apiVersionOf, SCALING_POLICIES } from '../../../common/kube/resources.ts';
import { UsageError } from '../errors.ts';
import { parseCount } from '../values.ts';

export interface AutoscaleFlags {
  min?: string | undefined;
  max?: string | undefined;
  cpu?: string | undefined;
  memory?: string | undefined;
  prometheus?: string | undefined;
  'per-replica'?: string | undefined;
  cron?: string[] | undefined;
}

function percent(value: string, flag: string): number {
  const m = value.match(/^(\d{1,3})%?$/);
  const n = Number(m?.[1]);
  if (!m || n < 1 || n > 100)
    throw new UsageError(`--${flag} must be a percentage 1–100 such as 80%, got "${value}"`);
  return n;
}

/** 'MIN HOUR DOM MON DOW TZ DURATION REPLICAS' → a schedule rule. */
export function cronRule(value: string, index: number): ScalingRule {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 8)
    throw new UsageError(
      `--cron must be 'CRON(5 fields) TIMEZONE DURATION REPLICAS', e.g. '0 8 * * 1-5 Europe/Paris 2h 10', got "${value}"`,
    );
  const [tz, duration, replicas] = parts.slice(5) as [string, string, string];
  if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(duration) || duration === '')
    throw new UsageError(`--cron duration must look like 2h or 90m, got "${duration}"`);
  return {
    name: `cron-${index + 1}`,
    schedule: {
      cron: parts.slice(0, 5).join(' '),
      timeZone: tz,
      duration,
      replicas: parseCount(replicas, 'cron replicas', 0),
    },
  };
}

export function scalingPolicy(namespace: string, service: string, f: AutoscaleFlags) {
  const min = parseCount(f.min ?? '', 'min', 0);
  const max = parseCount(f.max ?? '', 'max', 1);
  if (min > max) throw new UsageError(`--min (${min}) must not exceed --max (${max})`);
  const rules: ScalingRule[] = [];
  if (f.cpu !== undefined)
    rules.push({ name: 'cpu', resource: { name: 'cpu', targetUtilization: percent(f.cpu, 'cpu') } });
  if (f.memory !== undefined)
    rules.push({
      name: 'memory',
      resource: { name: 'memory', targetUtilization: percent(f.memory, 'memory') },
    });
  if ((f.prometheus === undefined) !== (f['per-replica'] === undefined))
    throw new UsageError('--prometheus and --per-replica go together');
  if (f.prometheus !== undefined) {
    const target = Number(f['per-replica']);
    if (!(target > 0))
      throw new UsageError(`--per-replica must be a positive number, got "${f['per-replica']}"`);
    rules.push({ name: 'prometheus', prometheus: { query: f.prometheus, targetPerReplica: target } });
  }
  for (const [i, c] of (f.cron ?? []).entries()) rules.push(cronRule(c, i));
  if (rules.length === 0) rules.push({ name: 'cpu', resource: { name: 'cpu', targetUtilization: 80 } });
  return {
    apiVersion: apiVersionOf(SCALING_POLICIES),
    kind: SCALING_POLICIES.kind,
    metadata: { name: service, namespace },
    spec: { targetRef: { name: service }, minReplicas: min, maxReplicas: max, rules },
  };
}
