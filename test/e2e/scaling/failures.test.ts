// Sources that fail at run time: a query Prometheus rejects, a Prometheus that is down, the
// metrics API absent. Each shows as a condition naming the cause, and the count is held.

import { createServer } from 'node:net';
import t, { type Test } from 'tap';
import { testNamespace } from '../../support/cluster.ts';
import { conditionIs, createPolicy, createService, policyStatus, service } from './support.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
  const port = await closedPort();
  await heldWith(
    t,
    ns,
    { name: 'q', prometheus: { query: 'sum(up)', targetPerReplica: 1 } },
    { prometheusAddress: `http://127.0.0.1:${port}` },
    /unreachable/,
  );
});

t.test('the metrics API absent', async (t) => {
  const ns = await testNamespace(t, 'scale-nometrics');
  await heldWith(t, ns, { name: 'cpu', resource: { name: 'cpu', targetUtilization: 50 } }, {}, /metrics API/);
});
