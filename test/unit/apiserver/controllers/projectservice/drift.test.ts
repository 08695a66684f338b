import type { V1Deployment, V1OwnerReference } from '@kubernetes/client-node';
import t from 'tap';
import { drift, driftEvent } from '../../../../../apiserver/src/controllers/projectservice/drift.ts';
import { render } from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import { missionExample, projectService, UID } from './fixtures.ts';

const clone = <T>(v: T): T => structuredClone(v);

/** What the API server returns for a rendered Deployment: defaults, canonical quantities, bookkeeping. */
function asServerReturns(desired: V1Deployment): V1Deployment {
  const live = clone(desired) as V1Deployment & Record<string, unknown>;
  live.metadata = {
    ...live.metadata,
    uid: 'd-uid',
    resourceVersion: '12345',
    generation: 3,
    annotations: { 'deployment.kubernetes.io/revision': '2' },
    labels: { ...live.metadata?.labels, 'team.example/owner': 'ops' },
    ownerReferences: [
      ...(live.metadata?.ownerReferences ?? []),
      { apiVersion: 'example.com/v1', kind: 'Audit', name: 'x', uid: 'other' },
    ],
    managedFields: [{ manager: 'kubehpc-projectservice-controller', operation: 'Apply' }],
  };
  const spec = live.spec as NonNullable<V1Deployment['spec']>;
  spec.revisionHistoryLimit = 10;
  spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const pod = spec.template.spec as NonNullable<typeof spec.template.spec>;
  pod.dnsPolicy = 'ClusterFirst';
  pod.restartPolicy = 'Always';
  pod.schedulerName = 'default-scheduler';
  pod.terminationGracePeriodSeconds = 30;
  spec.template.metadata = {
    ...spec.template.metadata,
    annotations: {
      ...spec.template.metadata?.annotations,
      'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:00:00Z',
    },
  };
  const c = pod.containers[0] as (typeof pod.containers)[number];
  c.imagePullPolicy = 'IfNotPresent';
  c.terminationMessagePath = '/dev/termination-log';
  if (c.resources?.requests) c.resources.requests.memory = '4096Mi';
  if (c.resources?.limits) c.resources.limits.cpu = '2000m';
  if (c.readinessProbe) Object.assign(c.readinessProbe, { successThreshold: 1 });
  if (c.readinessProbe?.httpGet) c.readinessProbe.httpGet.scheme = 'HTTP';
  for (const v of pod.volumes ?? []) if (v.configMap) v.configMap.defaultMode = 420;
  live.status = { replicas: 3, readyReplicas: 3 };
  return live;
}

const ps = missionExample();
const desired = render(ps).deployment;
const ownerRef = desired.metadata?.ownerReferences?.[0] as V1OwnerReference;

t.test('a live object with server defaults, extra labels and foreign annotations is in sync', async (t) => {
  t.same(drift(desired, asServerReturns(desired), UID), { state: 'InSync' });
});

t.test('a deleted child is Missing', async (t) => {
  t.same(drift(desired, undefined, UID), { state: 'Missing' });
  t.same(driftEvent('Deployment', 'portal', { state: 'Missing' }), {
    type: 'Warning',
    reason: 'Recreated',
    message: 'Deployment portal was deleted; recreating it',
  });
});

t.test('an object of that name controlled by someone else, or by no one, is never taken over', async (t) => {
  const foreign = asServerReturns(desired);
  foreign.metadata = {
    ...foreign.metadata,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'rs', controller: true }],
  };
  t.same(drift(desired, foreign, UID), { state: 'NotOwned', controller: 'ReplicaSet x' });
  const orphan = asServerReturns(desired);
  orphan.metadata = { ...orphan.metadata, ownerReferences: [] };
  t.same(drift(desired, orphan, UID), { state: 'NotOwned', controller: 'none' });
  const otherService = asServerReturns(desired);
  otherService.metadata = {
    ...otherService.metadata,
    ownerReferences: [{ ...ownerRef, uid: 'an-older-portal' }],
  };
  t.match(
    drift(desired, otherService, UID),
    { state: 'NotOwned' },
    'a namesake from a deleted and recreated service',
  );
  t.match(driftEvent('Deployment', 'portal', drift(desired, orphan, UID)), {
    reason: 'NameConflict',
    message: /not managed by this ProjectService/,
  });
});

t.test('a hand-edited owned field is Changed, with the path and both values', async (t) => {
  const live = asServerReturns(desired);
  const c = live.spec?.template.spec?.containers[0];
  if (c) c.image = 'evil.example/miner:latest';
  const found = drift(desired, live, UID);
  t.same(found, {
    state: 'Changed',
    differences: [
      {
        path: 'spec.template.spec.containers[name=portal].image',
        desired: 'registry.example/portal:1.4.2',
        live: 'evil.example/miner:latest',
      },
    ],
  });
  t.equal(driftEvent('Deployment', 'portal', found)?.reason, 'Restored');
  t.equal(
    driftEvent('Deployment', 'portal', found)?.message,
    'Deployment portal was changed outside the controller: spec.template.spec.containers[name=portal].image is "evil.example/miner:latest", want "registry.example/portal:1.4.2"; restoring it',
  );
});

t.test('each kind of hand edit to an owned field is found', async (t) => {
  const cases: Array<[string, (d: V1Deployment) => void, string]> = [
    ['replicas', (d) => Object.assign(d.spec ?? {}, { replicas: 1 }), 'spec.replicas'],
    [
      'a removed label',
      (d) => {
        delete d.metadata?.labels?.['kubehpc.dev/project'];
      },
      'metadata.labels.kubehpc.dev/project',
    ],
    [
      'an owner reference that no longer blocks deletion',
      (d) => {
        (d.metadata?.ownerReferences ?? []).splice(0, 1, {
          ...ownerRef,
          controller: true,
          uid: UID,
          blockOwnerDeletion: false,
        });
      },
      `metadata.ownerReferences[uid=${UID}].blockOwnerDeletion`,
    ],
    [
      'an env var deleted',
      (d) => {
        const c = d.spec?.template.spec?.containers[0];
        if (c) c.env = [];
      },
      'spec.template.spec.containers[name=portal].env[name=JAVA_OPTS]',
    ],
    [
      'a weakened security context',
      (d) => {
        const c = d.spec?.template.spec?.containers[0];
        if (c?.securityContext) delete c.securityContext.allowPrivilegeEscalation;
      },
      'spec.template.spec.containers[name=portal].securityContext.allowPrivilegeEscalation',
    ],
    [
      'capabilities no longer dropped',
      (d) => {
        const c = d.spec?.template.spec?.containers[0];
        if (c?.securityContext) c.securityContext.capabilities = { drop: [] };
      },
      'spec.template.spec.containers[name=portal].securityContext.capabilities.drop',
    ],
    [
      'a VF count changed',
      (d) => {
        const c = d.spec?.template.spec?.containers[0];
        if (c?.resources?.limits) c.resources.limits['kubehpc.dev/sriov-vf'] = '8';
      },
      'spec.template.spec.containers[name=portal].resources.limits.kubehpc.dev/sriov-vf',
    ],
    [
      'the NUMA annotation removed',
      (d) => {
        delete d.spec?.template.metadata?.annotations?.['kubehpc.dev/numa'];
      },
      'spec.template.metadata.annotations.kubehpc.dev/numa',
    ],
    [
      'the config volume pointed elsewhere',
      (d) => {
        const v = d.spec?.template.spec?.volumes?.[0];
        if (v?.configMap) v.configMap.name = 'secrets-of-another-service';
      },
      'spec.template.spec.volumes[name=config].configMap.name',
    ],
    [
      'a mount switched to subPath',
      (d) => {
        const c = d.spec?.template.spec?.containers[0];
        if (c) c.volumeMounts = [{ name: 'config', mountPath: '/elsewhere', subPath: 'application.yml' }];
      },
      'spec.template.spec.containers[name=portal].volumeMounts[mountPath=/app/config]',
    ],
  ];
  for (const [what, edit, path] of cases) {
    const live = asServerReturns(desired);
    edit(live);
    const found = drift(desired, live, UID);
    t.equal(found.state, 'Changed', what);
    t.ok(
      found.state === 'Changed' && found.differences.some((d) => d.path === path),
      `${what} is reported at ${path}`,
    );
  }
});

t.test('quantities compare by value, as the API server canonicalises them', async (t) => {
  const live = asServerReturns(desired);
  t.same(drift(desired, live, UID), { state: 'InSync' }, '4096Mi is 4Gi, 2000m is 2');
  const c = live.spec?.template.spec?.containers[0];
  if (c?.resources?.requests) c.resources.requests.memory = '4097Mi';
  t.equal(drift(desired, live, UID).state, 'Changed');
});

t.test('atomic lists must match exactly, in order', async (t) => {
  const withArgs = render(projectService({ args: ['--a', '--b'] })).deployment;
  const live = asServerReturns(withArgs);
  const c = live.spec?.template.spec?.containers[0];
  if (c) c.args = ['--b', '--a'];
  t.match(drift(withArgs, live, UID), {
    state: 'Changed',
    differences: [{ path: 'spec.template.spec.containers[name=portal].args' }],
  });
});

t.test('what other managers add to keyed lists is not the controller’s to remove', async (t) => {
  const live = asServerReturns(desired);
  const pod = live.spec?.template.spec;
  pod?.containers.push({ name: 'sidecar', image: 'mesh/proxy:1' });
  pod?.containers[0]?.env?.push({ name: 'EXTRA', value: '1' });
  t.same(drift(desired, live, UID), { state: 'InSync' });
});

t.test('a changed selector cannot be applied: the Deployment must be replaced', async (t) => {
  const live = asServerReturns(desired);
  if (live.spec) live.spec.selector = { matchLabels: { app: 'portal' } };
  const found = drift(desired, live, UID);
  t.equal(found.state, 'Replace');
  t.match(driftEvent('Deployment', 'portal', found), { reason: 'Replaced', message: /; recreating it$/ });
});

t.test(
  'values Kubernetes omits when empty are no drift; a missing object where one is wanted is',
  async (t) => {
    const empty = render(projectService({ config: { mountPath: '/c' } })).configMap;
    if (!empty) throw new Error('no ConfigMap');
    const live = { ...clone(empty) } as typeof empty;
    delete live.data;
    t.same(drift(empty, live, UID), { state: 'InSync' }, 'data: {} comes back absent');
    const withData = render(projectService({ config: { mountPath: '/c', files: { a: '1' } } })).configMap;
    if (!withData) throw new Error('no ConfigMap');
    t.match(drift(withData, live, UID), {
      state: 'Changed',
      differences: [{ path: 'data', live: undefined }],
    });
  },
);

t.test('a Service and a ConfigMap drift like a Deployment', async (t) => {
  const children = render(ps);
  const svc = clone(children.service);
  if (!svc?.spec) throw new Error('no Service');
  svc.spec.clusterIP = '10.0.0.7';
  svc.spec.sessionAffinity = 'None';
  t.same(drift(children.service ?? {}, svc, UID), { state: 'InSync' }, 'server-set clusterIP is not owned');
  svc.spec.type = 'NodePort';
  t.match(drift(children.service ?? {}, svc, UID), {
    state: 'Changed',
    differences: [{ path: 'spec.type' }],
  });
  const cm = clone(children.configMap);
  if (!cm?.data) throw new Error('no ConfigMap');
  cm.data['application.yml'] = 'edited by hand';
  t.match(drift(children.configMap ?? {}, cm, UID), {
    state: 'Changed',
    differences: [{ path: 'data.application.yml' }],
  });
});

t.test('an Event lists at most three differences, and there is none when in sync', async (t) => {
  const differences = [1, 2, 3, 4, 5].map((i) => ({ path: `p${i}`, desired: i, live: 0 }));
  t.equal(
    driftEvent('ConfigMap', 'portal-config', { state: 'Changed', differences })?.message,
    'ConfigMap portal-config was changed outside the controller: p1 is 0, want 1; p2 is 0, want 2; p3 is 0, want 3 (and 2 more); restoring it',
  );
  t.equal(driftEvent('Service', 'portal', { state: 'InSync' }), undefined, 'nothing to report when in sync');
});
