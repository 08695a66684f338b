// The scaling controller against the real platform: a Prometheus gauge served by the test
// itself (a file_sd target of the platform's Prometheus) drives a ProjectService's replicas
// up to the computed count and back down after a short stabilisation window; the decision
// id shows in the policy status, an Event, the service's annotation and the controllers' log;
// a schedule window raises the floor while the metric still scales above it; a manual scale
// is overridden with an event saying so.

import t from 'tap';
import { eventually, kubectl, platform, testNamespace } from '../../support/cluster.ts';
import { prometheusTarget } from '../../support/prometheus-target.ts';
import {
  conditionIs,
  controllersLog,
  createPolicy,
  createService,
  eventsAbout,
  policyStatus,
  replicasReach,
  service,
} from './support.ts';

const GAUGE = 'kubehpc_e2e_load';
const DECISION_ANNOTATION = 'scaling.kubehpc.dev/decision';

const loadRule = (owner: string, targetPerReplica = 10) => ({
  name: 'load',
  prometheus: { query: `sum(${GAUGE}{owner="${owner}"})`, targetPerReplica },
});

t.test('a Prometheus series above target scales up to the computed count and back down', async (t) => {
  const ns = await testNamespace(t, 'scale-prom');
  const target = await prometheusTarget(platform, ns.replaceAll('-', '_'));
  t.teardown(() => target.close());
  target.set(GAUGE, 10);
  await createService(ns, 'web', 1);
  await createPolicy(ns, 'load', {
    targetRef: { name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    rules: [loadRule(target.owner)],
    behavior: { scaleDown: { stabilizationWindowSeconds: 20 } },
  });
  await conditionIs(ns, 'load', 'SourcesHealthy', 'True');
  target.set(GAUGE, 42);
  // ceil(42 / 10) = 5
  await replicasReach(ns, 'web', 5);
  // The status, the annotation and the events follow the scale write. The history is newest first
  // and every period adds a record (5 → 5 holds too): find the scale-up's.
  const up = await eventually('the scale-up in the history', async () =>
    (await policyStatus(ns, 'load')).history?.find((d) => d.to === 5 && d.from !== undefined && d.from < 5),
  );
  t.match(up, { from: 1, to: 5, winner: { policy: 'load', rule: 'load' } });
  t.equal(up.rules?.[0]?.value, 42);
  const id = up.id;
  const annotation = await eventually(
    'the decision annotation',
    async () => (await service(ns, 'web')).metadata.annotations?.[DECISION_ANNOTATION],
  );
  t.equal(annotation, id, 'the ProjectService carries the decision id');
  await eventually('a Scaled event naming the id', async () =>
    (await eventsAbout(ns, 'ProjectService', 'web')).find(
      (e) => e.reason === 'Scaled' && e.message.includes(id) && e.message.includes('1 → 5'),
    ),
  );
  const log = await controllersLog();
  t.ok(
    log.split('\n').some((line) => line.includes(`"decision":"${id}"`) && line.includes('"to":5')),
    'a log line names the id',
  );

  target.set(GAUGE, 12);
  // ceil(12 / 10) = 2, but the window still holds the earlier recommendations of 5: the first
  // decisions that see 12 keep 5, with the stabilisation clamp recorded (decisions come every
  // 5 s, well inside the 20 s window).
  const held = await eventually('a decision held at 5 by the stabilisation window', async () =>
    (await policyStatus(ns, 'load')).history?.find(
      (d) => d.from === 5 && d.to === 5 && d.rules?.[0]?.value === 12,
    ),
  );
  t.match(
    held.clamps?.find((c) => c.kind === 'Stabilization'),
    { from: 2, to: 5 },
    'the window, not the rule, kept 5',
  );
  // Once the window has passed, down to 2.
  await replicasReach(ns, 'web', 2);
  const down = await eventually('the scale-down in the history', async () =>
    (await policyStatus(ns, 'load')).history?.find((d) => d.from === 5 && d.to === 2),
  );
  t.ok(down.id !== id, 'a decision of its own');
});

t.test(
  'a schedule window covering now raises the floor while the metric still scales above it',
  async (t) => {
    const ns = await testNamespace(t, 'scale-window');
    const target = await prometheusTarget(platform, ns.replaceAll('-', '_'));
    t.teardown(() => target.close());
    target.set(GAUGE, 10);
    await createService(ns, 'web', 1);
    await createPolicy(ns, 'peak', {
      targetRef: { name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      rules: [
        loadRule(target.owner),
        // Every minute, for two hours: a window covers every moment.
        { name: 'always', schedule: { cron: '* * * * *', duration: '2h', replicas: 3 } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
    });
    await replicasReach(ns, 'web', 3);
    const floor = await eventually('the floor decision', async () =>
      (await policyStatus(ns, 'peak')).history?.find((d) => d.to === 3 && d.from !== undefined && d.from < 3),
    );
    t.match(floor.clamps, [{ kind: 'ScheduleFloor', to: 3 }]);
    t.match(floor.winner, { rule: 'always' });
    target.set(GAUGE, 61);
    // ceil(61 / 10) = 7, above the floor of 3.
    await replicasReach(ns, 'web', 7);
    const above = await eventually('the decision above the floor', async () =>
      (await policyStatus(ns, 'peak')).history?.find((d) => d.to === 7 && d.from !== undefined && d.from < 7),
    );
    t.match(above.winner, { rule: 'load' });
    t.same(above.clamps, [], 'no floor needed above it');
    target.set(GAUGE, 5);
    await replicasReach(ns, 'web', 3);
  },
);

t.test('a manual kubectl scale is overridden at the next evaluation, with an event', async (t) => {
  const ns = await testNamespace(t, 'scale-manual');
  const target = await prometheusTarget(platform, ns.replaceAll('-', '_'));
  t.teardown(() => target.close());
  target.set(GAUGE, 40);
  await createService(ns, 'web', 1);
  await createPolicy(ns, 'load', {
    targetRef: { name: 'web' },
    minReplicas: 1,
    maxReplicas: 10,
    rules: [loadRule(target.owner)],
    behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
  });
  await replicasReach(ns, 'web', 4);
  const r = await kubectl(['scale', 'projectservice/web', '-n', ns, '--replicas=9']);
  t.equal(r.code, 0, r.stderr);
  await eventually('the manual count to be seen and overridden', async () =>
    (await eventsAbout(ns, 'ProjectService', 'web')).find(
      (e) => e.reason === 'ManualScaleOverridden' && e.message.includes('set to 9'),
    ),
  );
  await replicasReach(ns, 'web', 4);
});
