import t from 'tap';
import { projectServiceStrategy } from '../../../../apiserver/src/registry/apps/projectservices/strategy.ts';
import { scalingPolicyStrategy } from '../../../../apiserver/src/registry/scaling/scalingpolicies/strategy.ts';
import { age } from '../../../../apiserver/src/registry/strategy.ts';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ScalingPolicy } from '../../../../common/apis/scaling/v1alpha1/types.ts';

const now = new Date('2026-01-02T00:00:00Z');

t.test('age reads like kubectl', async (t) => {
  const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  t.equal(age(ago(5), now), '5s');
  t.equal(age(ago(150), now), '2m30s');
  t.equal(age(ago(3600), now), '60m');
  t.equal(age(ago(3 * 3600 + 600), now), '3h10m');
  t.equal(age(ago(30 * 3600), now), '30h');
  t.equal(age(ago(5 * 86400), now), '5d');
  t.equal(age(undefined, now), '<unknown>');
});

t.test(
  'ProjectService rows: ready/desired, phase, image, age; wide adds hardware and external endpoints',
  async (t) => {
    const ps: ProjectService = {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'portal', creationTimestamp: '2026-01-01T23:59:00Z' },
      spec: { image: 'r/p:1', replicas: 3, hardware: { sriovVFs: 2, numa: 'SingleNode', localDisk: '50Gi' } },
      status: {
        phase: 'Running',
        readyReplicas: 2,
        updatedReplicas: 3,
        availableReplicas: 2,
        endpoint: 'portal.c.svc:80',
      },
    };
    t.same(projectServiceStrategy.row(ps, now), [
      'portal',
      '2/3',
      'Running',
      'r/p:1',
      '60s',
      3,
      2,
      'portal.c.svc:80',
      'vf=2,numa=single,disk=50Gi',
      '<none>',
    ]);
    t.equal(projectServiceStrategy.columns.length, projectServiceStrategy.row(ps, now).length);
    const exposed: ProjectService = {
      ...ps,
      status: {
        ...ps.status,
        endpoints: [
          { port: 'http', type: 'ClusterIP', url: 'portal.c.svc:80' },
          { port: 'http', type: 'Ingress', url: 'http://portal.example.org/' },
          { port: 'admin', type: 'NodePort', url: '<node>:31000' },
        ],
      },
    };
    t.equal(
      projectServiceStrategy.row(exposed, now).at(-1),
      'http://portal.example.org/,<node>:31000',
      'External lists the exposed endpoints, not the in-cluster ones',
    );
    t.equal(
      projectServiceStrategy.scale?.selector(ps),
      'kubehpc.dev/service=portal',
      'a selector before the controller reports one',
    );
  },
);

t.test('ScalingPolicy rows: target, bounds, current/desired, last decision', async (t) => {
  const sp: ScalingPolicy = {
    apiVersion: 'scaling.kubehpc.dev/v1alpha1',
    kind: 'ScalingPolicy',
    metadata: { name: 'peak', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      targetRef: { name: 'portal' },
      minReplicas: 2,
      maxReplicas: 20,
      rules: [{ name: 'cpu' }, { name: 'qps' }],
    },
    status: {
      currentReplicas: 4,
      desiredReplicas: 6,
      lastDecision: { id: 'd', time: '2026-01-01T23:58:00Z', from: 4, to: 6, reason: 'qps' },
    },
  };
  t.same(scalingPolicyStrategy.row(sp, now), [
    'peak',
    'portal',
    2,
    20,
    '4',
    '6',
    '4→6 (qps) 2m ago',
    '24h',
    'cpu,qps',
    'Max',
    'None',
  ]);
  t.equal(scalingPolicyStrategy.columns.length, scalingPolicyStrategy.row(sp, now).length);
});
