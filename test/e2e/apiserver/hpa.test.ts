// The scale subresource as real autoscalers speak to it: Kubernetes protobuf over HTTPS,
// and the platform's own kube-controller-manager HPA (autoscaling/v2) scaling a
// ProjectService through kube-apiserver's aggregation layer.

import t from 'tap';
import { decodeScale, encodeScale } from '../../../apiserver/src/server/protobuf.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import { call, PS_PATH, projectService, startTestServer } from './support.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const ns = await testNamespace(t, 'hpa');

t.test('scale GET, PUT and PATCH answer and accept protobuf', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.running.stop());
  const port = server.port;
  t.equal(
    (await call(port, 'POST', PS_PATH(ns), { body: projectService('pb', { replicas: 1 }) })).status,
    201,
  );
  const scalePath = `${PS_PATH(ns, 'pb')}/scale`;
  const read = await call(port, 'GET', scalePath, { headers: { Accept: `${PROTOBUF}, */*` } });
  t.equal(read.status, 200);
  t.equal(read.headers['content-type'], PROTOBUF);
  t.same([...read.body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00], 'the Kubernetes magic "k8s\\0"');
  const scale = decodeScale(read.body);
  t.equal(scale.spec?.replicas, 1);
  t.equal(scale.metadata?.name, 'pb');
  t.match(scale.status?.selector, /pb/);

  const body = encodeScale({ ...scale, spec: { replicas: 4 } });
  const put = await call(port, 'PUT', scalePath, {
    body,
    contentType: PROTOBUF,
    headers: { Accept: `${PROTOBUF}, */*` },
  });
  t.equal(put.status, 200, put.text);
  t.equal(put.headers['content-type'], PROTOBUF);
  const stored = await call(port, 'GET', PS_PATH(ns, 'pb'));
  t.equal((stored.json.spec as { replicas: number }).replicas, 4, 'the protobuf write took effect');

  const stale = await call(port, 'PUT', scalePath, { body, contentType: PROTOBUF });
  t.equal(stale.status, 409, 'the resourceVersion in the protobuf Scale is a precondition');

  const patched = await call(port, 'PATCH', scalePath, {
    body: { spec: { replicas: 2 } },
    contentType: 'application/merge-patch+json',
    headers: { Accept: PROTOBUF },
  });
  t.equal(patched.status, 200);
  t.equal(patched.headers['content-type'], PROTOBUF);

  const garbage = await call(port, 'PUT', scalePath, {
    body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff]),
    contentType: PROTOBUF,
  });
  t.equal(garbage.status, 400);
  const notScale = await call(port, 'PUT', PS_PATH(ns, 'pb'), { body, contentType: PROTOBUF });
  t.equal(notScale.status, 415, 'protobuf is for the scale subresource only');
});

// kube-controller-manager reads the Scale as protobuf but writes it through client-go's scale
// client: JSON bytes with no Content-Type at all (as kube-apiserver, the server reads them as
// JSON). The HPA must scale the service and report no failed update in its conditions.
t.test("kube-controller-manager's HPA scales a ProjectService", async (t) => {
  const created = await kubectl(['apply', '-n', ns, '-f', '-'], {
    input: JSON.stringify(projectService('autoscaled', { replicas: 1 })),
  });
  t.equal(created.code, 0, created.stderr);
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'autoscaled' },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps.kubehpc.dev/v1alpha1',
        kind: 'ProjectService',
        name: 'autoscaled',
      },
      // Above the current count: the HPA scales up to it without needing any metric.
      minReplicas: 3,
      maxReplicas: 5,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
  };
  const applied = await kubectl(['apply', '-n', ns, '-f', '-'], { input: JSON.stringify(hpa) });
  t.equal(applied.code, 0, applied.stderr);
  const replicas = await eventually(
    'the HPA to set spec.replicas to minReplicas',
    async () => {
      const got = await kubectl([
        'get',
        '-n',
        ns,
        'projectservice',
        'autoscaled',
        '-o',
        'jsonpath={.spec.replicas}',
      ]);
      return got.stdout.trim() === '3' ? 3 : undefined;
    },
    180_000,
  );
  t.equal(replicas, 3);
  interface Condition {
    type: string;
    status: string;
    reason: string;
    message: string;
  }
  // The HPA's own view catches up on its next syncs: the Scale's status shows 3 replicas running.
  const conditions = await eventually(
    'the HPA to record the rescale',
    async () => {
      const got = await kubectl(['get', '-n', ns, 'hpa', 'autoscaled', '-o', 'json']);
      const status = JSON.parse(got.stdout).status as {
        currentReplicas?: number;
        desiredReplicas?: number;
        conditions?: Condition[];
      };
      const able = status.conditions?.find((c) => c.type === 'AbleToScale');
      const settled = status.desiredReplicas === 3 && status.currentReplicas === 3;
      return settled && able ? status.conditions : undefined;
    },
    120_000,
  );
  const able = conditions.find((c) => c.type === 'AbleToScale');
  t.equal(able?.status, 'True', JSON.stringify(conditions));
  t.notMatch(
    JSON.stringify(conditions),
    /unknown format|FailedUpdateScale|FailedGetScale/,
    'no failed scale read or update in the conditions',
  );
  const events = await kubectl([
    'get',
    'events',
    '-n',
    ns,
    '--field-selector',
    'involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=autoscaled',
    '-o',
    'jsonpath={range .items[*]}{.reason}{"\\n"}{end}',
  ]);
  t.equal(events.code, 0, events.stderr);
  t.match(events.stdout, /SuccessfulRescale/, 'the HPA reports its rescale');
  t.notMatch(events.stdout, /FailedRescale|FailedGetScale/, 'and no failed one');
  const table = await kubectl(['get', '-n', ns, 'hpa', 'autoscaled', '--no-headers']);
  t.match(
    table.stdout,
    /ProjectService\/autoscaled\s.*\s3\s+5\s+3\s/,
    'kubectl get hpa: MINPODS 3, MAXPODS 5, REPLICAS 3',
  );
});
