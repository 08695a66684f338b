import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import {
  KWOK_USAGE_CPU_ANNOTATION,
  kwokUsageConfig,
  METRICS_SERVER_USER,
  metricsApiService,
  metricsServerFoundation,
  metricsServerSpec,
  RESOURCE_METRICS_PATH_ANNOTATION,
} from '../../../platform/src/components/metrics-server.ts';
import { expandFixture, nodeObject, parseFixture } from '../../../platform/src/fixture.ts';
import { layout } from '../../../platform/src/layout.ts';

const l = layout({ KUBEHPC_PORT_BASE: '26000', KUBEHPC_LOCAL_DIR: '/tmp/kubehpc-unit' });

t.test('metrics-server serves on its own port and checks both ends against the platform CAs', async (t) => {
  const spec = metricsServerSpec(l, '/bin/metrics-server');
  t.ok(spec.args.includes(`--secure-port=${l.ports.metricsServer}`));
  t.ok(
    spec.args.includes('--kubelet-use-node-status-port'),
    "each node's own port: kwok's and the kubelet's differ",
  );
  t.ok(spec.args.includes('--kubelet-preferred-address-types=InternalIP'));
  t.ok(spec.args.includes(`--kubelet-certificate-authority=${l.pkiDir}/ca.crt`));
  t.notOk(
    spec.args.some((a) => a.startsWith('--kubelet-insecure-tls')),
    'kubelet serving certificates are verified',
  );
  t.ok(spec.args.includes(`--requestheader-client-ca-file=${l.pkiDir}/front-proxy-ca.crt`));
  t.ok(spec.args.includes('--requestheader-allowed-names=front-proxy-client'));
  t.equal(spec.health.url, `https://127.0.0.1:${l.ports.metricsServer}/livez`);
});

t.test("kwok's usage config: the series metrics-server reads, usage from pod annotations", async (t) => {
  const docs = parseAllDocuments(kwokUsageConfig()).map((d) => d.toJS());
  t.same(
    docs.map((d) => d.kind),
    ['Metric', 'ClusterResourceUsage'],
  );
  t.equal(docs[0].spec.path, '/metrics/nodes/{nodeName}/metrics/resource');
  const names = docs[0].spec.metrics.map((m: { name: string }) => m.name);
  for (const wanted of [
    'node_cpu_usage_seconds_total',
    'node_memory_working_set_bytes',
    'container_cpu_usage_seconds_total',
    'container_memory_working_set_bytes',
    'container_start_time_seconds',
  ]) {
    t.ok(names.includes(wanted), wanted);
  }
  const cpu = docs[1].spec.usages[0].usage.cpu.expression as string;
  t.match(cpu, KWOK_USAGE_CPU_ANNOTATION);
  t.match(cpu, 'Quantity("1m")');
});

t.test('every simulated node names its metrics path on kwok', async (t) => {
  const nodes = expandFixture(
    parseFixture(readFileSync(new URL('../../../platform/fixtures/nodes.yaml', import.meta.url), 'utf8')),
  );
  t.ok(nodes.length > 0);
  for (const n of nodes) {
    const annotations = (nodeObject(n) as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    t.equal(annotations[RESOURCE_METRICS_PATH_ANNOTATION], `/metrics/nodes/${n.name}/metrics/resource`);
  }
});

t.test('registration: RBAC for its client identity, an ExternalName Service, the APIService', async (t) => {
  const objects = metricsServerFoundation();
  const bindings = objects.filter((o) => o.kind.endsWith('Binding')) as unknown as Array<{
    subjects: Array<{ name: string }>;
  }>;
  t.equal(bindings.length, 3);
  for (const b of bindings)
    t.same(
      b.subjects.map((s) => s.name),
      [METRICS_SERVER_USER],
    );
  const reader = objects.find((o) => o.metadata.name === 'system:aggregated-metrics-reader');
  t.equal(reader?.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  const api = metricsApiService(l, 'PEM') as unknown as { spec: Record<string, unknown> };
  t.match(api.spec, {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    service: { name: 'metrics-server', namespace: 'kube-system', port: l.ports.metricsServer },
    caBundle: Buffer.from('PEM').toString('base64'),
  });
});
