import type { V1ConfigMap, V1Deployment, V1DeploymentCondition, V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { mergeConditions } from '../../../../../apiserver/src/controllers/conditions.ts';
import {
  renderConfigMap,
  renderDeployment,
} from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import {
  CONDITION_TYPES,
  computeStatus,
  type Observed,
  podProblem,
} from '../../../../../apiserver/src/controllers/projectservice/status.ts';
import type { ProjectService } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import type { Condition } from '../../../../../common/apis/meta/types.ts';
import { projectService } from './fixtures.ts';

const NOW = new Date('2026-11-22T04:00:00.123Z');
const LATER = new Date('2026-11-22T04:05:00Z');

interface Counts {
  replicas?: number;
  ready?: number;
  updated?: number;
  available?: number;
  generation?: number;
  observedGeneration?: number;
  specReplicas?: number;
  conditions?: V1DeploymentCondition[];
}

const progressing = (reason: string, status = 'True', message = ''): V1DeploymentCondition => ({
  type: 'Progressing',
  status,
  reason,
  message,
});
const available = (status: string, reason = 'MinimumReplicasAvailable'): V1DeploymentCondition => ({
  type: 'Available',
  status,
  reason,
  message:
    status === 'True'
      ? 'Deployment has minimum availability.'
      : 'Deployment does not have minimum availability.',
});

/** The live Deployment as the Deployment controller reports it for `ps`. */
function deployment(ps: ProjectService, c: Counts = {}): V1Deployment {
  const d = renderDeployment(ps);
  const desired = ps.spec.replicas ?? 1;
  return {
    ...d,
    metadata: { ...d.metadata, generation: c.generation ?? 1 },
    spec: { ...(d.spec as NonNullable<V1Deployment['spec']>), replicas: c.specReplicas ?? desired },
    status: {
      observedGeneration: c.observedGeneration ?? c.generation ?? 1,
      replicas: c.replicas ?? desired,
      readyReplicas: c.ready ?? c.available ?? desired,
      updatedReplicas: c.updated ?? desired,
      availableReplicas: c.available ?? desired,
      conditions: c.conditions ?? [available('True'), progressing('NewReplicaSetAvailable')],
    },
  };
}

function pod(name: string, extra: Partial<V1Pod['status']> = {}, nodeName?: string): V1Pod {
  return {
    metadata: { name },
    spec: { containers: [{ name: 'portal' }], ...(nodeName ? { nodeName } : {}) },
    status: { phase: 'Pending', ...extra },
  };
}

const waiting = (
  reason: string,
  message = '',
  last?: { reason: string; exitCode: number; message?: string },
) => ({
  containerStatuses: [
    {
      name: 'portal',
      image: 'x',
      imageID: '',
      ready: false,
      restartCount: 3,
      state: { waiting: { reason, message } },
      ...(last ? { lastState: { terminated: { ...last } } } : {}),
    },
  ],
});

const unschedulable = (message: string) => ({
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
});

const condition = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type);

function status(ps: ProjectService, observed: Observed, now = NOW) {
  return computeStatus(ps, observed, now);
}

t.test('every replica of the current spec available: Running, Ready, rollout complete', async (t) => {
  const ps = projectService({ replicas: 3, ports: [{ name: 'http', port: 8080 }] });
  const s = status(ps, { deployment: deployment(ps) });
  t.equal(s.phase, 'Running');
  t.same(
    {
      replicas: s.replicas,
      ready: s.readyReplicas,
      updated: s.updatedReplicas,
      available: s.availableReplicas,
    },
    { replicas: 3, ready: 3, updated: 3, available: 3 },
  );
  t.equal(s.selector, 'kubehpc.dev/service=portal');
  t.equal(s.observedGeneration, 2, "the ProjectService's own generation");
  t.equal(s.endpoint, 'portal.climate.svc:8080');
  t.same(condition(s.conditions, 'Ready'), {
    type: 'Ready',
    status: 'True',
    reason: 'AllReplicasReady',
    message: '3/3 replicas available',
    observedGeneration: 2,
    lastTransitionTime: '2026-11-22T04:00:00Z',
  });
  t.match(condition(s.conditions, 'Available'), { status: 'True', reason: 'MinimumReplicasAvailable' });
  t.match(condition(s.conditions, 'Progressing'), { status: 'False', reason: 'RolloutComplete' });
  t.strictSame(
    s.conditions?.map((c) => c.type),
    ['Ready', 'Available', 'Progressing'],
    'no ConfigApplied without config; fixed order',
  );
});

t.test('the endpoint names the first port, and there is none without ports', async (t) => {
  const ps = projectService({
    ports: [
      { name: 'grpc', port: 9000 },
      { name: 'http', port: 8080 },
    ],
  });
  t.equal(status(ps, { deployment: deployment(ps) }).endpoint, 'portal.climate.svc:9000');
  const bare = projectService();
  t.notOk('endpoint' in status(bare, { deployment: deployment(bare) }));
});

t.test('no Deployment yet: Pending, not Ready, creating', async (t) => {
  const s = status(projectService(), {});
  t.equal(s.phase, 'Pending');
  t.match(condition(s.conditions, 'Ready'), { status: 'False', reason: 'Creating' });
  t.match(condition(s.conditions, 'Available'), { status: 'False', reason: 'NoDeployment' });
  t.match(condition(s.conditions, 'Progressing'), { status: 'True', reason: 'Creating' });
  t.equal(s.replicas, 0);
  t.equal(s.selector, 'kubehpc.dev/service=portal', 'the selector is known before anything runs');
});

t.test(
  'a Deployment whose pods exist on no node yet is Pending, with the scheduler saying why',
  async (t) => {
    const ps = projectService({ replicas: 2 });
    const d = deployment(ps, {
      available: 0,
      conditions: [available('False'), progressing('ReplicaSetUpdated')],
    });
    const message = '0/4 nodes are available: 4 local disk: 50Gi not free.';
    const s = status(ps, {
      deployment: d,
      pods: [pod('portal-b', unschedulable(message)), pod('portal-a', unschedulable(message))],
    });
    t.equal(s.phase, 'Pending');
    const ready = condition(s.conditions, 'Ready');
    t.equal(ready?.reason, 'Unschedulable');
    t.match(
      ready?.message,
      `pod portal-a: Unschedulable: ${message} (and 1 more)`,
      'first pod by name, count of the rest',
    );
  },
);

t.test('without pod details, Pending lasts only until the first pod exists', async (t) => {
  const ps = projectService({ replicas: 2 });
  const none = deployment(ps, { replicas: 0, updated: 0, available: 0, conditions: [] });
  t.match(status(ps, { deployment: none }), { phase: 'Pending' });
  t.match(condition(status(ps, { deployment: none }).conditions, 'Ready'), { reason: 'Scheduling' });
  const created = deployment(ps, { available: 0, conditions: [progressing('ReplicaSetUpdated')] });
  t.match(status(ps, { deployment: created }), { phase: 'Progressing' });
});

t.test(
  'a rollout under way is Progressing, and so is a rollout the Deployment controller has not seen',
  async (t) => {
    const ps = projectService({ replicas: 3 });
    const rolling = deployment(ps, {
      replicas: 4,
      updated: 1,
      available: 3,
      conditions: [available('True'), progressing('ReplicaSetUpdated')],
    });
    const s = status(ps, { deployment: rolling });
    t.equal(s.phase, 'Progressing');
    t.match(condition(s.conditions, 'Progressing'), {
      status: 'True',
      reason: 'RolloutInProgress',
      message: '1/3 replicas updated, 3 available',
    });
    t.match(condition(s.conditions, 'Ready'), { status: 'False', reason: 'RolloutInProgress' });
    const unseen = deployment(ps, { generation: 5, observedGeneration: 4 });
    t.equal(status(ps, { deployment: unseen }).phase, 'Progressing', 'counts of the old spec prove nothing');
    const notScaledYet = deployment(ps, { specReplicas: 2, replicas: 2, updated: 2, available: 2 });
    t.equal(
      status(ps, { deployment: notScaledYet }).phase,
      'Progressing',
      'the new replica count is not applied yet',
    );
  },
);

t.test('a scale-down still terminating surplus replicas is Progressing', async (t) => {
  const ps = projectService({ replicas: 2 });
  const d = deployment(ps, {
    replicas: 3,
    updated: 3,
    available: 3,
    conditions: [available('True'), progressing('NewReplicaSetAvailable')],
  });
  t.equal(status(ps, { deployment: d }).phase, 'Progressing');
});

t.test('pods that cannot start sharpen the reason while the rollout is under way', async (t) => {
  const ps = projectService({ image: 'registry.example/portal:nope' });
  const d = deployment(ps, {
    available: 0,
    conditions: [available('False'), progressing('ReplicaSetUpdated')],
  });
  const s = status(ps, {
    deployment: d,
    pods: [
      pod(
        'portal-x',
        waiting('ImagePullBackOff', 'Back-off pulling image "registry.example/portal:nope"'),
        'hpc-0',
      ),
    ],
  });
  t.equal(s.phase, 'Progressing', 'the pod is on a node, so placement is done');
  t.match(condition(s.conditions, 'Ready'), {
    reason: 'ImagePullBackOff',
    message: /pod portal-x: container portal: ImagePullBackOff: Back-off pulling image/,
  });
});

t.test('ProgressDeadlineExceeded is Failed, with the Deployment message and the pod problem', async (t) => {
  const ps = projectService({ replicas: 2 });
  const d = deployment(ps, {
    updated: 1,
    available: 2,
    replicas: 3,
    conditions: [
      available('True'),
      progressing('ProgressDeadlineExceeded', 'False', 'ReplicaSet "portal-7d9" has timed out progressing.'),
    ],
  });
  const s = status(ps, {
    deployment: d,
    pods: [pod('portal-7d9-a', waiting('ErrImagePull', 'manifest unknown'), 'general-0')],
  });
  t.equal(s.phase, 'Failed');
  const ready = condition(s.conditions, 'Ready');
  t.equal(ready?.reason, 'ProgressDeadlineExceeded');
  t.equal(
    ready?.message,
    'ReplicaSet "portal-7d9" has timed out progressing.: pod portal-7d9-a: container portal: ErrImagePull: manifest unknown',
  );
  t.match(condition(s.conditions, 'Progressing'), { status: 'False', reason: 'ProgressDeadlineExceeded' });
  t.match(condition(s.conditions, 'Available'), { status: 'True' }, 'the old replicas still serve');
});

t.test('fewer available than desired after a complete rollout is Degraded', async (t) => {
  const ps = projectService({ replicas: 3 });
  const d = deployment(ps, {
    ready: 2,
    available: 2,
    conditions: [available('True'), progressing('NewReplicaSetAvailable')],
  });
  const s = status(ps, {
    deployment: d,
    pods: [
      pod(
        'portal-c',
        waiting('CrashLoopBackOff', 'back-off 40s', { reason: 'OOMKilled', exitCode: 137 }),
        'hpc-0',
      ),
    ],
  });
  t.equal(s.phase, 'Degraded');
  t.equal(s.availableReplicas, 2);
  const ready = condition(s.conditions, 'Ready');
  t.equal(ready?.reason, 'CrashLoopBackOff');
  t.match(ready?.message, /^2\/3 replicas available: pod portal-c: .*last exit: OOMKilled \(exit code 137\)/);
  t.match(condition(s.conditions, 'Progressing'), { status: 'False', reason: 'RolloutComplete' });
  const quiet = status(ps, { deployment: d });
  t.match(condition(quiet.conditions, 'Ready'), {
    reason: 'ReplicasUnavailable',
    message: '2/3 replicas available',
  });
});

t.test('replicas that cannot be created: Failed with none available, Degraded with some', async (t) => {
  const ps = projectService({ replicas: 3 });
  const forbidden = {
    type: 'ReplicaFailure',
    status: 'True',
    reason: 'FailedCreate',
    message: 'pods "portal-1" is forbidden: exceeded quota: compute, requested: cpu=2',
  };
  const none = deployment(ps, {
    replicas: 0,
    updated: 0,
    available: 0,
    conditions: [available('False'), progressing('ReplicaSetUpdated'), forbidden],
  });
  const s = status(ps, { deployment: none });
  t.equal(s.phase, 'Failed');
  t.match(condition(s.conditions, 'Ready'), { reason: 'FailedCreate', message: /exceeded quota/ });
  const some = deployment(ps, {
    replicas: 2,
    updated: 2,
    available: 2,
    conditions: [available('True'), progressing('ReplicaSetUpdated'), forbidden],
  });
  t.equal(status(ps, { deployment: some }).phase, 'Degraded');
  const resolved = deployment(ps, {
    conditions: [available('True'), progressing('NewReplicaSetAvailable'), { ...forbidden, status: 'False' }],
  });
  t.equal(
    status(ps, { deployment: resolved }).phase,
    'Running',
    'a ReplicaFailure condition that is False is no failure',
  );
});

t.test('an apply the loop cannot get past is Failed with its reason', async (t) => {
  const ps = projectService();
  const s = status(ps, {
    deployment: deployment(ps),
    applyError: { reason: 'Forbidden', message: 'deployments.apps "portal" is forbidden: exceeded quota' },
  });
  t.equal(s.phase, 'Failed');
  t.match(condition(s.conditions, 'Ready'), {
    status: 'False',
    reason: 'Forbidden',
    message: /exceeded quota/,
  });
  const fresh = status(ps, { applyError: { reason: 'Invalid', message: 'x' } });
  t.match(condition(fresh.conditions, 'Progressing'), { status: 'False', reason: 'Invalid' });
  const odd = status(ps, { applyError: { reason: 'not a reason!', message: 'x' } });
  t.equal(
    condition(odd.conditions, 'Ready')?.reason,
    'notareason',
    'foreign reasons are made CamelCase-safe',
  );
});

t.test('scaled to zero is Running with 0/0', async (t) => {
  const ps = projectService({ replicas: 0 });
  const d = deployment(ps, { replicas: 0, updated: 0, available: 0 });
  const s = status(ps, { deployment: d });
  t.equal(s.phase, 'Running');
  t.match(condition(s.conditions, 'Ready'), { status: 'True', message: '0/0 replicas available' });
});

t.test('Available mirrors the Deployment, Unknown before the Deployment controller reports', async (t) => {
  const ps = projectService();
  const s = status(ps, { deployment: deployment(ps, { conditions: [available('False')] }) });
  t.match(condition(s.conditions, 'Available'), {
    status: 'False',
    reason: 'MinimumReplicasAvailable',
    message: 'Deployment does not have minimum availability.',
  });
  const fresh = status(ps, { deployment: deployment(ps, { conditions: [] }) });
  t.match(condition(fresh.conditions, 'Available'), { status: 'Unknown', reason: 'NotObserved' });
});

t.test('ConfigApplied with onChange Live: true once the ConfigMap holds the files', async (t) => {
  const ps = projectService({ config: { mountPath: '/c', files: { 'a.yml': 'v: 2' }, onChange: 'Live' } });
  const d = deployment(ps);
  const current = renderConfigMap(ps) as V1ConfigMap;
  t.match(condition(status(ps, { deployment: d }).conditions, 'ConfigApplied'), {
    status: 'False',
    reason: 'ConfigMapMissing',
  });
  const stale = { ...current, data: { 'a.yml': 'v: 1' } };
  t.match(condition(status(ps, { deployment: d, configMap: stale }).conditions, 'ConfigApplied'), {
    status: 'False',
    reason: 'ConfigMapOutOfDate',
  });
  t.match(condition(status(ps, { deployment: d, configMap: current }).conditions, 'ConfigApplied'), {
    status: 'True',
    reason: 'FilesPublished',
    message: /without a restart/,
  });
  const empty = projectService({ config: { mountPath: '/c' } });
  t.match(
    condition(status(empty, { deployment: deployment(empty), configMap: {} }).conditions, 'ConfigApplied'),
    { status: 'True' },
    'no files and a ConfigMap without data agree',
  );
});

t.test(
  'ConfigApplied with onChange Restart: true only when every replica restarted onto the files',
  async (t) => {
    const ps = projectService({
      replicas: 2,
      config: { mountPath: '/c', files: { 'a.yml': 'v: 2' }, onChange: 'Restart' },
    });
    const cm = renderConfigMap(ps) as V1ConfigMap;
    const rolling = deployment(ps, {
      updated: 1,
      replicas: 3,
      conditions: [available('True'), progressing('ReplicaSetUpdated')],
    });
    t.match(condition(status(ps, { deployment: rolling, configMap: cm }).conditions, 'ConfigApplied'), {
      status: 'False',
      reason: 'RollingRestart',
    });
    const old = projectService({
      replicas: 2,
      config: { mountPath: '/c', files: { 'a.yml': 'v: 1' }, onChange: 'Restart' },
    });
    const oldTemplate: V1Deployment = {
      ...deployment(ps),
      spec: renderDeployment(old).spec as NonNullable<V1Deployment['spec']>,
    };
    t.match(
      condition(status(ps, { deployment: oldTemplate, configMap: cm }).conditions, 'ConfigApplied'),
      { status: 'False', reason: 'RollingRestart' },
      'a Deployment still carrying the old hash has not restarted anything',
    );
    t.match(
      condition(status(ps, { deployment: deployment(ps), configMap: cm }).conditions, 'ConfigApplied'),
      {
        status: 'True',
        reason: 'ReplicasRestarted',
      },
    );
  },
);

t.test('lastTransitionTime moves only when a condition changes status', async (t) => {
  const ps = projectService({ replicas: 3 });
  const first = status(ps, {
    deployment: deployment(ps, {
      available: 2,
      conditions: [available('True'), progressing('ReplicaSetUpdated')],
    }),
  });
  t.equal(condition(first.conditions, 'Ready')?.lastTransitionTime, '2026-11-22T04:00:00Z');
  const again: ProjectService = { ...ps, status: first };
  const still = status(
    again,
    {
      deployment: deployment(ps, {
        available: 2,
        conditions: [available('True'), progressing('ReplicaSetUpdated')],
      }),
    },
    LATER,
  );
  t.equal(
    condition(still.conditions, 'Ready')?.lastTransitionTime,
    '2026-11-22T04:00:00Z',
    'same status, same time',
  );
  const done = status(again, { deployment: deployment(ps) }, LATER);
  const ready = condition(done.conditions, 'Ready');
  t.equal(ready?.status, 'True');
  t.equal(ready?.lastTransitionTime, '2026-11-22T04:05:00Z', 'a change of status moves it');
  t.equal(
    condition(done.conditions, 'Available')?.lastTransitionTime,
    '2026-11-22T04:00:00Z',
    'Available did not change',
  );
});

t.test(
  'mergeConditions keeps conditions others set, after its own, and updates reason and message in place',
  async (t) => {
    const previous: Condition[] = [
      {
        type: 'Ready',
        status: 'False',
        reason: 'A',
        message: 'a',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
      {
        type: 'example.com/Audited',
        status: 'True',
        reason: 'Ok',
        message: '',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ];
    const merged = mergeConditions(
      previous,
      [{ type: 'Ready', status: 'False', reason: 'B', message: 'b' }],
      CONDITION_TYPES,
      NOW,
    );
    t.strictSame(merged, [
      {
        type: 'Ready',
        status: 'False',
        reason: 'B',
        message: 'b',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
      previous[1],
    ]);
  },
);

t.test(
  'podProblem prefers a stuck container to an unscheduled pod, and ignores terminating pods',
  async (t) => {
    const p = podProblem([
      pod('a', unschedulable('0/3 nodes are available')),
      pod(
        'b',
        waiting('CreateContainerConfigError', 'container has runAsNonRoot and image will run as root'),
        'n1',
      ),
    ]);
    t.match(p, { reason: 'CreateContainerConfigError', message: /runAsNonRoot/ });
    const terminating = {
      ...pod('c', waiting('CrashLoopBackOff')),
      metadata: { name: 'c', deletionTimestamp: NOW },
    };
    t.equal(podProblem([terminating]), undefined);
    t.equal(podProblem([pod('d', waiting('ContainerCreating'))]), undefined, 'starting up is not a problem');
  },
);

t.test('overlong messages are cut to what the API accepts', async (t) => {
  const ps = projectService();
  const s = status(ps, { applyError: { reason: 'Invalid', message: 'x'.repeat(40000) } });
  t.equal(condition(s.conditions, 'Ready')?.message.length, 32768);
});
