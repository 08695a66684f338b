// CPU through metrics-server: kwok simulates each pod's usage from its
// kwok.x-k8s.io/usage-cpu annotation, metrics-server scrapes it like a kubelet's and serves
// metrics.k8s.io, `kubectl top` shows it, and a CPU rule scales the ProjectService up on it
// and back down when the usage goes away.

import type { V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { KWOK_USAGE_CPU_ANNOTATION } from '../../../platform/src/components/metrics-server.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import {
  createPolicy,
  createService,
  policyStatus,
  replicasReach,
  servicePods,
  setUsage,
} from './support.ts';

t.test('simulated CPU usage reaches kubectl top and scales the service up, then down', async (t) => {
  const ns = await testNamespace(t, 'scale-cpu');
  await createService(ns, 'burner', 1, '100m');
  const [first] = await eventually('a running pod', async () => {
    const pods = await servicePods(ns, 'burner');
    return pods.length === 1 ? pods : undefined;
  });
  // 300m used of 100m requested: 300 % against a 100 % target wants 3 replicas.
  await setUsage(ns, [first as V1Pod], KWOK_USAGE_CPU_ANNOTATION, '300m');
  const top = await eventually(
    'kubectl top pods shows the simulated usage',
    async () => {
      const r = await kubectl(['top', 'pods', '-n', ns, '--no-headers']);
      const line = r.stdout.split('\n').find((l) => l.startsWith(first?.metadata?.name ?? '?'));
      const millicores = Number(line?.split(/\s+/)[1]?.replace(/m$/, ''));
      return millicores >= 250 ? line : undefined;
    },
    120_000,
  );
  t.match(top, /\d+m/);
  await createPolicy(ns, 'cpu', {
    targetRef: { name: 'burner' },
    minReplicas: 1,
    maxReplicas: 5,
    cpuInitializationPeriodSeconds: 0,
    rules: [{ name: 'cpu', resource: { name: 'cpu', targetUtilization: 100 } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
  });
  await replicasReach(ns, 'burner', 3, 120_000);
  // The controller writes the scale first and the policy's status after it: wait for the record.
  // The history is newest first and every period adds one (a 3 → 3 hold too): the scale-up's.
  const up = await eventually('the scale-up in the policy history', async () =>
    (await policyStatus(ns, 'cpu')).history?.find((d) => d.to === 3 && d.from !== undefined && d.from < 3),
  );
  t.match(up, { to: 3 }, 'the decision that scaled up is recorded');
  t.ok((up.from ?? 0) < 3, `it scaled up from fewer replicas (from ${up.from})`);
  // The usage goes away (every pod back to kwok's 1m default): back to the minimum.
  await setUsage(ns, await servicePods(ns, 'burner'), KWOK_USAGE_CPU_ANNOTATION, null);
  await replicasReach(ns, 'burner', 1, 180_000);
  t.pass('scaled back down to minReplicas');
});
