// Sources that fail at run time: a query Prometheus rejects, a Prometheus that is down, no
// metrics for the pods, the metrics API absent. Each shows as a condition naming the cause,
// and the count is held; the controllers' /metrics count the failed fetches.

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { eventually, kubectl, objects, platform, testNamespace } from '../../support/cluster.ts';
import {
  conditionIs,
  controllerMetric,
  createPolicy,
  createService,
  policyStatus,
  service,
} from './support.ts';

async function heldWith(
  t: Test,
  ns: string,
  rule: Record<string, unknown>,
  extra: Record<string, unknown>,
  cause: RegExp,
) {
  await createService(ns, 'web', 2);
  await createPolicy(ns, 'p', {
    targetRef: { name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    rules: [rule],
    ...extra,
  });
  const sources = await conditionIs(ns, 'p', 'SourcesHealthy', 'False');
  t.match(sources.message, cause);
  const active = await conditionIs(ns, 'p', 'ScalingActive', 'False');
  t.equal(active.reason, 'AllSourcesFailed');
  t.equal((await service(ns, 'web')).spec.replicas, 2, 'the count is held');
  t.match((await policyStatus(ns, 'p')).lastDecision, { from: 2, to: 2 });
}

t.test('a query Prometheus rejects at run time', async (t) => {
  const ns = await testNamespace(t, 'scale-rejected');
  // Valid syntax, but two series where one is needed: only the server can tell.
  await heldWith(
    t,
    ns,
    { name: 'q', prometheus: { query: 'up', targetPerReplica: 1 } },
    {},
    /series; it must return one|returned/,
  );
});

t.test('Prometheus down', async (t) => {
  const ns = await testNamespace(t, 'scale-promdown');
  // The platform allows this second address (--prometheus-allowed-urls); nothing listens there.
  await heldWith(
    t,
    ns,
    { name: 'q', prometheus: { query: 'sum(up)', targetPerReplica: 1 } },
    { prometheusAddress: `http://127.0.0.1:${platform.ports.prometheusSpare}` },
    /unreachable/,
  );
});

t.test('an address the controller does not allow is refused, never fetched', async (t) => {
  const ns = await testNamespace(t, 'scale-promdeny');
  let requests = 0;
  const server = createHttpServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [0, '1000'] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await heldWith(
    t,
    ns,
    { name: 'q', prometheus: { query: 'sum(up)', targetPerReplica: 1 } },
    { prometheusAddress: address },
    /is not an address this controller may query; allowed: http:\/\/127\.0\.0\.1:/,
  );
  t.equal(requests, 0, 'the controller sent the refused address no request');
});

t.test('no CPU metrics for the pods (metrics-server has none for them)', async (t) => {
  // kwok reports usage only for pods that carry its usage annotations (cpu.test.ts sets them);
  // these pods carry none, so metrics.k8s.io answers without them.
  const ns = await testNamespace(t, 'scale-nometrics');
  await heldWith(
    t,
    ns,
    { name: 'cpu', resource: { name: 'cpu', targetUtilization: 50 } },
    {},
    /(no cpu metrics for the pods|metrics API)/,
  );
});

const METRICS_API = 'v1beta1.metrics.k8s.io';

interface ApiService {
  apiVersion: string;
  kind: string;
  metadata: { name: string; resourceVersion?: string; uid?: string; creationTimestamp?: string };
  spec: Record<string, unknown>;
  status?: { conditions?: Array<{ type: string; status: string }> };
}

const apiService = async (): Promise<ApiService> =>
  (await objects().read({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: METRICS_API },
  })) as unknown as ApiService;

t.test('the metrics API absent (its APIService gone)', async (t) => {
  // The one test that changes a cluster-wide object: e2e files run one at a time (--jobs=1),
  // and the teardown puts the APIService back and waits until it is Available again.
  const ns = await testNamespace(t, 'scale-nometricsapi');
  const saved = await apiService();
  t.teardown(async () => {
    const { apiVersion, kind, metadata, spec } = saved;
    await objects()
      .create({ apiVersion, kind, metadata: { name: metadata.name }, spec } as never)
      .catch(() => undefined);
    await eventually(
      `${METRICS_API} to be Available again`,
      async () =>
        (await apiService()).status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True')
          ? true
          : undefined,
      120_000,
    );
  });
  const FETCH_ERRORS = 'kubehpc_scaling_metric_fetch_errors_total{source="metrics.k8s.io"}';
  const errorsBefore = await controllerMetric(FETCH_ERRORS);
  await objects().delete({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: METRICS_API },
  });
  await eventually('kube-apiserver to stop serving metrics.k8s.io', async () => {
    const r = await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1']);
    return r.code !== 0 && /NotFound|404|could not find/i.test(r.stderr) ? true : undefined;
  });
  await heldWith(
    t,
    ns,
    { name: 'cpu', resource: { name: 'cpu', targetUtilization: 50 } },
    {},
    /the metrics API \(metrics\.k8s\.io\) is not served/,
  );
  t.ok(
    (await controllerMetric(FETCH_ERRORS)) > errorsBefore,
    'kubehpc_scaling_metric_fetch_errors_total counts the failed fetches of metrics.k8s.io',
  );
});
