// A native HorizontalPodAutoscaler targeting the same ProjectService as a ScalingPolicy: the
// policy reports AbleToScale=False (ConflictingAutoscaler) naming it and leaves the count
// alone however high its rule asks, instead of a silent fight; once the HPA is deleted, the
// policy scales again.

import t from 'tap';
import { API_VERSION, APPS_GROUP } from '../../../common/names.ts';
import { eventually, objects, platform, testNamespace } from '../../support/cluster.ts';
import { prometheusTarget } from '../../support/prometheus-target.ts';
import { conditionIs, createPolicy, createService, policyStatus, replicasReach, service } from './support.ts';

const GAUGE = 'kubehpc_e2e_load';

t.test('an HPA on the same ProjectService is reported, and the policy does not fight it', async (t) => {
  const ns = await testNamespace(t, 'scale-conflict');
  const target = await prometheusTarget(platform, ns.replaceAll('-', '_'));
  t.teardown(() => target.close());
  target.set(GAUGE, 20);
  await createService(ns, 'web', 2);
  await createPolicy(ns, 'load', {
    targetRef: { name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    rules: [
      { name: 'load', prometheus: { query: `sum(${GAUGE}{owner="${target.owner}"})`, targetPerReplica: 10 } },
    ],
  });
  // ceil(20 / 10) = 2: the policy agrees with the count before the HPA comes.
  await conditionIs(ns, 'load', 'AbleToScale', 'True');
  await eventually('a first decision at 2', async () =>
    (await policyStatus(ns, 'load')).history?.find((d) => d.from === 2 && d.to === 2),
  );

  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'native', namespace: ns },
    spec: {
      scaleTargetRef: { apiVersion: `${APPS_GROUP}/${API_VERSION}`, kind: 'ProjectService', name: 'web' },
      // Pinned at the current count: the HPA itself changes nothing.
      minReplicas: 2,
      maxReplicas: 2,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
    },
  };
  await objects().create(hpa as never);
  const blocked = await conditionIs(ns, 'load', 'AbleToScale', 'False');
  t.equal(blocked.reason, 'ConflictingAutoscaler');
  t.match(blocked.message, /HorizontalPodAutoscaler native also targets ProjectService web/);

  // The rule now asks ceil(50 / 10) = 5; the policy sees it and still leaves the count.
  target.set(GAUGE, 50);
  const seen = await eventually('a decision that saw the new value', async () =>
    (await policyStatus(ns, 'load')).history?.find((d) => d.rules?.[0]?.value === 50),
  );
  t.equal(seen.rules?.[0]?.desiredReplicas, 5, 'the rule asks 5');
  t.equal((await service(ns, 'web')).spec.replicas, 2, 'the count stays where the HPA holds it');

  await objects().delete(hpa as never);
  await replicasReach(ns, 'web', 5);
  const able = await conditionIs(ns, 'load', 'AbleToScale', 'True');
  t.equal(able.reason, 'Ready', 'the conflict is over');
});
