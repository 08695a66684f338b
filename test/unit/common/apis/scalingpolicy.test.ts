import t from 'tap';
import { decode, validateObject } from '../../../../common/apis/decode.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';
import { SCALING_POLICY } from '../../../../common/apis/scaling/v1alpha1/register.ts';
import type { ScalingPolicy } from '../../../../common/apis/scaling/v1alpha1/types.ts';

const cpu = { name: 'cpu', resource: { name: 'cpu', targetUtilization: 80 } };

function body(spec: Record<string, unknown>, name = 'portal-peak') {
  return { apiVersion: 'scaling.kubehpc.dev/v1alpha1', kind: 'ScalingPolicy', metadata: { name }, spec };
}

function admit(input: unknown): ScalingPolicy {
  const { object } = decode(SCALING_POLICY, input, 'Strict');
  validateObject(SCALING_POLICY, object);
  return object;
}

function causes(input: unknown) {
  try {
    admit(input);
  } catch (error) {
    if (error instanceof StatusError && error.code === 422) return error.status.details?.causes ?? [];
    throw error;
  }
  return [];
}

t.test('the mission example is valid and gets its defaults', async (t) => {
  const sp = admit(
    body({
      targetRef: { name: 'portal' },
      minReplicas: 2,
      maxReplicas: 20,
      rules: [
        cpu,
        {
          name: 'qps',
          prometheus: {
            query: 'sum(rate(http_requests_total{service="portal"}[1m]))',
            targetPerReplica: 100,
          },
        },
        {
          name: 'morning',
          schedule: { cron: '0 8 * * 1-5', timeZone: 'Asia/Shanghai', duration: '2h', replicas: 10 },
        },
      ],
      behavior: { scaleUp: {}, scaleDown: { stabilizationWindowSeconds: 600 } },
      capacityGuard: { maxUtilizationPercent: 80 },
    }),
  );
  t.equal(sp.spec.combine, 'Max');
  t.equal(sp.spec.paused, 'None');
  t.equal(sp.spec.rules[0]?.weight, 1);
  t.equal(sp.spec.rules[0]?.priority, 0);
  t.same(sp.spec.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max' },
    scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max' },
  });
  t.equal(sp.spec.capacityGuard?.action, 'Refuse');
  t.equal(sp.spec.mode, 'Auto');
  t.equal(sp.spec.tolerance, 0.1);
  t.equal(sp.spec.precedence, 0);
  t.equal(sp.spec.cpuInitializationPeriodSeconds, 300);
  t.equal(sp.spec.initialReadinessDelaySeconds, 30);
});

t.test('the issue-13 fields are accepted: fallback, emptyAs, ceiling, exclusion dates, Cap', async (t) => {
  const sp = admit(
    body({
      targetRef: { name: 'portal' },
      maxReplicas: 10,
      rules: [
        { ...cpu, fallbackReplicas: 3 },
        { name: 'qps', prometheus: { query: 'sum(rate(x[1m]))', targetPerReplica: 50, emptyAs: 0 } },
        {
          name: 'peak',
          schedule: {
            cron: '0 22 * * *',
            duration: '4h',
            replicas: 4,
            maxReplicas: 8,
            excludeDates: ['2026-12-25'],
          },
        },
      ],
      capacityGuard: { maxUtilizationPercent: 80, action: 'Cap' },
      mode: 'Recommend',
      prometheusAddress: 'http://127.0.0.1:9090',
    }),
  );
  t.equal(sp.spec.capacityGuard?.action, 'Cap');
  t.equal(sp.spec.rules[1]?.prometheus?.emptyAs, 0);
  t.same(sp.spec.rules[2]?.schedule?.excludeDates, ['2026-12-25']);
  t.equal(sp.spec.mode, 'Recommend');
});

t.test('minReplicas defaults to 1 and schedule timeZone to UTC', async (t) => {
  const sp = admit(
    body({
      targetRef: { name: 'p' },
      maxReplicas: 3,
      rules: [{ name: 's', schedule: { cron: '@daily', duration: '1h', replicas: 2 } }],
    }),
  );
  t.equal(sp.spec.minReplicas, 1);
  t.equal(sp.spec.rules[0]?.schedule?.timeZone, 'UTC');
});

const base = { targetRef: { name: 'portal' }, maxReplicas: 10, rules: [cpu] };
const cases: Array<[string, Record<string, unknown>, string, string]> = [
  ['min > max', { ...base, minReplicas: 11 }, 'spec.minReplicas', 'FieldValueInvalid'],
  ['max 0', { ...base, maxReplicas: 0 }, 'spec.maxReplicas', 'FieldValueInvalid'],
  ['missing max', { targetRef: { name: 'p' }, rules: [cpu] }, 'spec.maxReplicas', 'FieldValueRequired'],
  ['missing target', { maxReplicas: 3, rules: [cpu] }, 'spec.targetRef', 'FieldValueRequired'],
  ['bad target name', { ...base, targetRef: { name: 'Portal' } }, 'spec.targetRef.name', 'FieldValueInvalid'],
  ['no rules', { ...base, rules: [] }, 'spec.rules', 'FieldValueRequired'],
  ['rule without source', { ...base, rules: [{ name: 'x' }] }, 'spec.rules[0]', 'FieldValueInvalid'],
  [
    'rule with two sources',
    { ...base, rules: [{ ...cpu, prometheus: { query: 'q', targetPerReplica: 1 } }] },
    'spec.rules[0]',
    'FieldValueInvalid',
  ],
  ['duplicate rule names', { ...base, rules: [cpu, cpu] }, 'spec.rules[1]', 'FieldValueDuplicate'],
  ['bad rule name', { ...base, rules: [{ ...cpu, name: 'CPU' }] }, 'spec.rules[0].name', 'FieldValueInvalid'],
  [
    'bad resource',
    { ...base, rules: [{ name: 'g', resource: { name: 'gpu', targetUtilization: 50 } }] },
    'spec.rules[0].resource.name',
    'FieldValueNotSupported',
  ],
  [
    'zero utilisation',
    { ...base, rules: [{ name: 'c', resource: { name: 'cpu', targetUtilization: 0 } }] },
    'spec.rules[0].resource.targetUtilization',
    'FieldValueInvalid',
  ],
  [
    'empty query',
    { ...base, rules: [{ name: 'q', prometheus: { query: '', targetPerReplica: 1 } }] },
    'spec.rules[0].prometheus.query',
    'FieldValueRequired',
  ],
  [
    'PromQL that does not parse',
    { ...base, rules: [{ name: 'q', prometheus: { query: 'sum(rate((((', targetPerReplica: 1 } }] },
    'spec.rules[0].prometheus.query',
    'FieldValueInvalid',
  ],
  [
    'PromQL with an unclosed selector',
    { ...base, rules: [{ name: 'q', prometheus: { query: 'up{job="a"', targetPerReplica: 1 } }] },
    'spec.rules[0].prometheus.query',
    'FieldValueInvalid',
  ],
  [
    'an empty cron',
    { ...base, rules: [{ name: 's', schedule: { cron: '', duration: '1h', replicas: 2 } }] },
    'spec.rules[0].schedule.cron',
    'FieldValueRequired',
  ],
  [
    'zero target per replica',
    { ...base, rules: [{ name: 'q', prometheus: { query: 'up', targetPerReplica: 0 } }] },
    'spec.rules[0].prometheus.targetPerReplica',
    'FieldValueInvalid',
  ],
  [
    'bad cron',
    { ...base, rules: [{ name: 's', schedule: { cron: '0 8 * *', duration: '1h', replicas: 2 } }] },
    'spec.rules[0].schedule.cron',
    'FieldValueInvalid',
  ],
  [
    'bad time zone',
    {
      ...base,
      rules: [
        { name: 's', schedule: { cron: '0 8 * * *', timeZone: 'Asia/Beijing', duration: '1h', replicas: 2 } },
      ],
    },
    'spec.rules[0].schedule.timeZone',
    'FieldValueInvalid',
  ],
  [
    'bad duration',
    { ...base, rules: [{ name: 's', schedule: { cron: '0 8 * * *', duration: '2d', replicas: 2 } }] },
    'spec.rules[0].schedule.duration',
    'FieldValueInvalid',
  ],
  [
    'window longer than a week',
    { ...base, rules: [{ name: 's', schedule: { cron: '0 8 * * *', duration: '200h', replicas: 2 } }] },
    'spec.rules[0].schedule.duration',
    'FieldValueInvalid',
  ],
  [
    'schedule replicas above max',
    { ...base, rules: [{ name: 's', schedule: { cron: '0 8 * * *', duration: '1h', replicas: 11 } }] },
    'spec.rules[0].schedule.replicas',
    'FieldValueInvalid',
  ],
  ['bad combine', { ...base, combine: 'Sum' }, 'spec.combine', 'FieldValueNotSupported'],
  ['bad paused', { ...base, paused: 'Yes' }, 'spec.paused', 'FieldValueNotSupported'],
  [
    'stabilisation too long',
    { ...base, behavior: { scaleDown: { stabilizationWindowSeconds: 3601 } } },
    'spec.behavior.scaleDown.stabilizationWindowSeconds',
    'FieldValueInvalid',
  ],
  [
    'rate policy without period',
    { ...base, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1 }] } } },
    'spec.behavior.scaleUp.policies[0].periodSeconds',
    'FieldValueRequired',
  ],
  [
    'schedule ceiling below its floor',
    {
      ...base,
      rules: [{ name: 's', schedule: { cron: '0 8 * * *', duration: '1h', replicas: 4, maxReplicas: 3 } }],
    },
    'spec.rules[0].schedule.maxReplicas',
    'FieldValueInvalid',
  ],
  [
    'exclusion date that does not exist',
    {
      ...base,
      rules: [
        {
          name: 's',
          schedule: { cron: '0 8 * * *', duration: '1h', replicas: 2, excludeDates: ['2026-02-30'] },
        },
      ],
    },
    'spec.rules[0].schedule.excludeDates[0]',
    'FieldValueInvalid',
  ],
  [
    'exclusion date in another format',
    {
      ...base,
      rules: [
        {
          name: 's',
          schedule: { cron: '0 8 * * *', duration: '1h', replicas: 2, excludeDates: ['01/10/2026'] },
        },
      ],
    },
    'spec.rules[0].schedule.excludeDates[0]',
    'FieldValueInvalid',
  ],
  [
    'cron that never fires',
    { ...base, rules: [{ name: 's', schedule: { cron: '0 0 30 2 *', duration: '1h', replicas: 2 } }] },
    'spec.rules[0].schedule.cron',
    'FieldValueInvalid',
  ],
  [
    'fallback above max',
    { ...base, rules: [{ ...cpu, fallbackReplicas: 11 }] },
    'spec.rules[0].fallbackReplicas',
    'FieldValueInvalid',
  ],
  [
    'fallback on a schedule rule',
    {
      ...base,
      rules: [
        { name: 's', fallbackReplicas: 2, schedule: { cron: '0 8 * * *', duration: '1h', replicas: 2 } },
      ],
    },
    'spec.rules[0].fallbackReplicas',
    'FieldValueInvalid',
  ],
  ['tolerance above 1', { ...base, tolerance: 1.5 }, 'spec.tolerance', 'FieldValueInvalid'],
  ['bad mode', { ...base, mode: 'DryRun' }, 'spec.mode', 'FieldValueNotSupported'],
  [
    'prometheus address not a URL',
    { ...base, prometheusAddress: 'prometheus:9090' },
    'spec.prometheusAddress',
    'FieldValueInvalid',
  ],
  [
    'unknown capacity action',
    { ...base, capacityGuard: { maxUtilizationPercent: 80, action: 'Queue' } },
    'spec.capacityGuard.action',
    'FieldValueNotSupported',
  ],
  [
    'guard above 100%',
    { ...base, capacityGuard: { maxUtilizationPercent: 101 } },
    'spec.capacityGuard.maxUtilizationPercent',
    'FieldValueInvalid',
  ],
];

for (const [what, spec, fieldPath, type] of cases) {
  t.test(`422 Invalid: ${what} → ${fieldPath}`, async (t) => {
    const found = causes(body(spec));
    t.ok(
      found.some((c) => c.field === fieldPath && c.reason === type),
      `causes ${JSON.stringify(found)} include ${fieldPath} ${type}`,
    );
  });
}

t.test('names may be DNS-1123 subdomains', async (t) => {
  t.equal(admit(body(base, 'portal.peak')).metadata.name, 'portal.peak');
  t.ok(causes(body(base, 'Portal')).some((c) => c.field === 'metadata.name'));
});

t.test('PromQL the Prometheus grammar accepts is admitted', async (t) => {
  for (const query of [
    'up',
    'sum(rate(http_requests_total{service="portal",code=~"5.."}[1m])) by (pod)',
    'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))',
    'avg_over_time(queue_depth[10m:1m] offset 5m) / 2',
  ]) {
    const rules = [{ name: 'q', prometheus: { query, targetPerReplica: 1 } }];
    t.same(causes(body({ ...base, rules })), [], query);
  }
});
