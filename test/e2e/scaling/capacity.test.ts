// The capacity guard on the platform's simulated nodes: replicas asking 60 CPUs fit only on
// the four 64-CPU `hpc` nodes, one each. A metric asking for 10 is capped at what fits, with
// CapacityLimited=True (Capped) on the policy and a Capacity clamp in the decision.

import t from 'tap';
import { eventually, platform, testNamespace } from '../../support/cluster.ts';
import { prometheusTarget } from '../../support/prometheus-target.ts';
import { conditionIs, createPolicy, createService, policyStatus, replicasReach } from './support.ts';

const GAUGE = 'kubehpc_e2e_load';

t.test('a scale-up beyond what the nodes can hold is capped, with a condition', async (t) => {
  const ns = await testNamespace(t, 'scale-capacity');
  const target = await prometheusTarget(platform, ns.replaceAll('-', '_'));
  t.teardown(() => target.close());
  target.set(GAUGE, 10);
  await createService(ns, 'big', 1, '60');
  await createPolicy(ns, 'load', {
    targetRef: { name: 'big' },
    minReplicas: 1,
    maxReplicas: 10,
    rules: [
      { name: 'load', prometheus: { query: `sum(${GAUGE}{owner="${target.owner}"})`, targetPerReplica: 10 } },
    ],
    capacityGuard: { maxUtilizationPercent: 100, action: 'Cap' },
    behavior: { scaleUp: { policies: [{ type: 'Pods', value: 20, periodSeconds: 15 }] } },
  });
  await conditionIs(ns, 'load', 'SourcesHealthy', 'True');
  target.set(GAUGE, 100);
  const limited = await conditionIs(ns, 'load', 'CapacityLimited', 'True');
  t.equal(limited.reason, 'Capped');
  t.match(limited.message, /fit under 100% of allocatable/);
  const capped = await eventually('the capped decision', async () =>
    (await policyStatus(ns, 'load')).history?.find((d) => d.clamps?.some((c) => c.kind === 'Capacity')),
  );
  t.match(
    capped.clamps?.find((c) => c.kind === 'Capacity'),
    { from: 10 },
  );
  t.ok(capped.to < 10, `capped below the 10 asked (to ${capped.to})`);
  t.ok(capped.to <= 4, 'no more than the four hpc nodes can hold');
  await replicasReach(ns, 'big', capped.to);
});
