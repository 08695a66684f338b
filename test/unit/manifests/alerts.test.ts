// The alert rules of manifests/components/prometheus-rules pass `promtool check rules` and the
// promtool unit tests in alerts.promtool.yaml, cover every part the operator's guide promises,
// and name only jobs that the shipped scrape objects produce.

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { parse, parseAllDocuments, stringify } from 'yaml';

const run = promisify(execFile);
const manifests = new URL('../../../manifests/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, manifests), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}
const rule = parse(read('components/prometheus-rules/prometheusrule.yaml')) as {
  kind: string;
  spec: { groups: Array<{ name: string; rules: Rule[] }> };
};
const rules = rule.spec.groups.flatMap((g) => g.rules);

async function promtool(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('promtool not found: apt-get install prometheus (see .ci/run)');
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A folder with the rules as a plain rule file and the promtool tests beside it. */
function workspace(t: { teardown(fn: () => void): void }, groups: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubehpc-rules-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  copyFileSync(new URL('alerts.promtool.yaml', import.meta.url), join(dir, 'alerts.promtool.yaml'));
  return dir;
}

t.test('promtool check rules accepts the PrometheusRule groups', async (t) => {
  t.equal(rule.kind, 'PrometheusRule');
  const dir = workspace(t, rule.spec.groups);
  const check = await promtool(['check', 'rules', 'rules.yaml'], dir);
  t.equal(check.code, 0, check.out);
  t.match(check.out, new RegExp(`SUCCESS: ${rules.length} rules found`));
});

t.test('promtool test rules passes the unit tests', async (t) => {
  const dir = workspace(t, rule.spec.groups);
  const test = await promtool(['test', 'rules', 'alerts.promtool.yaml'], dir);
  t.equal(test.code, 0, test.out);
  t.match(test.out, /SUCCESS/);
});

t.test('the unit tests fail when an alert is weakened', async (t) => {
  // The tests pin behaviour: an alert that no longer fires makes them fail.
  const weakened = structuredClone(rule.spec.groups);
  const target = weakened.flatMap((g) => g.rules).find((r) => r.alert === 'KubehpcEtcdNoLeader');
  if (!target) throw new Error('KubehpcEtcdNoLeader is gone');
  target.expr = 'vector(0) > 1';
  const dir = workspace(t, weakened);
  const test = await promtool(['test', 'rules', 'alerts.promtool.yaml'], dir);
  t.not(test.code, 0);
  t.match(test.out, /KubehpcEtcdNoLeader/);
});

t.test('every alert is tested, has a severity and says what to do', async (t) => {
  const tests = read('../test/unit/manifests/alerts.promtool.yaml');
  for (const r of rules) {
    t.match(tests, new RegExp(`alertname: ${r.alert}\\b`), `${r.alert} has a promtool test`);
    t.match(r.labels.severity, /^(critical|warning)$/, `${r.alert} severity`);
    t.ok(r.annotations.summary && r.annotations.description, `${r.alert} annotations`);
  }
  const covered = rules.map((r) => r.expr).join('\n');
  for (const metric of [
    'apiserver_request_total',
    'apiserver_request_duration_seconds_bucket',
    'aggregator_unavailable_apiservice',
    'kubehpc_extender_request_duration_seconds_bucket',
    'kubehpc_extender_requests_total',
    'kubehpc_controller_reconcile_errors_total',
    'kubehpc_controller_queue_depth',
    'kubehpc_sriov_devices',
    'etcd_server_has_leader',
  ]) {
    t.match(covered, metric, `an alert watches ${metric}`);
  }
});

t.test('the jobs the rules name are the jobs the scrape objects produce', async (t) => {
  const jobs = new Set(
    [
      ...rules
        .map((r) => r.expr)
        .join('\n')
        .matchAll(/job="([^"]+)"/g),
    ].map((m) => m[1] ?? ''),
  );
  t.ok(jobs.size >= 4);
  // Prometheus Operator: jobLabel app.kubernetes.io/name of the selected Service or pod.
  const monitors = parseAllDocuments(read('components/prometheus-operator/monitors.yaml')).map(
    (d) =>
      d.toJSON() as {
        kind: string;
        spec?: { jobLabel?: string; selector: { matchLabels: Record<string, string> } };
      },
  );
  const operatorJobs = new Set(
    monitors
      .filter((m) => m.kind === 'ServiceMonitor' || m.kind === 'PodMonitor')
      .map((m) => {
        t.equal(m.spec?.jobLabel, 'app.kubernetes.io/name');
        return m.spec?.selector.matchLabels['app.kubernetes.io/name'];
      }),
  );
  // Plain Prometheus: the job names of monitoring/prometheus.yaml.
  const plain = parse(read('monitoring/prometheus.yaml')) as { scrape_configs: Array<{ job_name: string }> };
  const plainJobs = new Set(plain.scrape_configs.map((s) => s.job_name));
  for (const job of jobs) {
    t.ok(operatorJobs.has(job), `a ServiceMonitor or PodMonitor yields job ${job}`);
    t.ok(plainJobs.has(job), `monitoring/prometheus.yaml has job ${job}`);
  }
  t.same([...operatorJobs].sort(), [...plainJobs].sort(), 'both ways scrape the same programs');
});
