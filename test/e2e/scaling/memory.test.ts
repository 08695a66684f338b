// Memory through metrics-server: kwok simulates a pod's working set from its
// kwok.x-k8s.io/usage-memory annotation, metrics-server serves it on metrics.k8s.io, and a
// memory rule (a percentage of the memory request) scales the ProjectService up on it; the
// decision — the rule's utilisation, its proposal and from → to — is in the policy's history
// and counted on the controllers' /metrics.

import type { V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { KWOK_USAGE_MEMORY_ANNOTATION } from '../../../platform/src/components/metrics-server.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import {
  controllerMetric,
  createPolicy,
  createService,
  policyStatus,
  replicasReach,
  servicePods,
  setUsage,
} from './support.ts';

t.test('simulated memory usage scales the service up and records the decision', async (t) => {
  const ns = await testNamespace(t, 'scale-memory');
  // createService asks 64Mi per replica.
  await createService(ns, 'hoarder', 1);
  const [first] = await eventually('a running pod', async () => {
    const pods = await servicePods(ns, 'hoarder');
    return pods.length === 1 ? pods : undefined;
  });
  const podName = first?.metadata?.name ?? '?';
  // 192Mi used of 64Mi requested: 300 % against a 100 % target wants 3 replicas.
  await setUsage(ns, [first as V1Pod], KWOK_USAGE_MEMORY_ANNOTATION, '192Mi');
  const top = await eventually(
    'kubectl top pods shows the simulated memory',
    async () => {
      const r = await kubectl(['top', 'pods', '-n', ns, '--no-headers']);
      const line = r.stdout.split('\n').find((l) => l.startsWith(podName));
      return line?.split(/\s+/)[2] === '192Mi' ? line : undefined;
    },
    120_000,
  );
  t.match(top, /192Mi/, 'metrics.k8s.io serves the working set kwok simulates');

  const UP = 'kubehpc_scaling_decisions_total{direction="up",reason="Rules"}';
  const FETCHES = 'kubehpc_scaling_metric_fetch_duration_seconds_count{source="metrics.k8s.io"}';
  const before = { up: await controllerMetric(UP), fetches: await controllerMetric(FETCHES) };
  await createPolicy(ns, 'mem', {
    targetRef: { name: 'hoarder' },
    minReplicas: 1,
    maxReplicas: 5,
    rules: [{ name: 'memory', resource: { name: 'memory', targetUtilization: 100 } }],
  });
  await replicasReach(ns, 'hoarder', 3, 120_000);
  // The controller writes the scale first and the policy's status after it: wait for the record.
  const up = await eventually('the scale-up in the policy history', async () =>
    // Newest first: later decisions keep 3 (3 → 3); the one that scaled came from below.
    (await policyStatus(ns, 'mem')).history?.find((d) => d.to === 3 && d.from !== 3),
  );
  t.equal(up.from, 1, 'in one step from the one replica (the default rate allows +4 per 15 s)');
  t.match(up.winner, { rule: 'memory' }, 'the memory rule decided');
  const rule = up.rules?.find((r) => r.name === 'memory');
  t.equal(rule?.value, 300, 'the rule saw 300 % of the request (192Mi of 64Mi)');
  t.equal(rule?.desiredReplicas, 3, 'and proposed ceil(1 × 300 / 100) = 3');
  t.ok(up.id.length > 0, 'the decision has an id');
  // The controllers' own metrics count it (e2e files run one at a time: no other scale-up now).
  t.ok((await controllerMetric(UP)) > before.up, 'kubehpc_scaling_decisions_total counts the scale-up');
  t.ok((await controllerMetric(FETCHES)) > before.fetches, 'and the metrics.k8s.io fetches are timed');

  // The two new pods use kwok's default 1Mi: (192 + 1 + 1) / 192 = 101 %, inside the 10 %
  // tolerance, so the count holds at 3 rather than flapping — decided, recorded, unchanged.
  const hold = await eventually(
    'a later decision that keeps 3 with every replica measured',
    async () => {
      const last = (await policyStatus(ns, 'mem')).lastDecision;
      const value = last?.rules?.find((r) => r.name === 'memory')?.value;
      return last && last.id !== up.id && last.from === 3 && value !== undefined && value < 150
        ? last
        : undefined;
    },
    120_000,
  );
  t.equal(hold.to, 3, `held at 3 (utilisation ${hold.rules?.find((r) => r.name === 'memory')?.value} %)`);
  t.equal((await servicePods(ns, 'hoarder')).length, 3, 'three pods run');
});
