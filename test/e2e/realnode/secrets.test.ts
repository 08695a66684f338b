// A Secret reaches a running service on the real kubelet (issue 14): a value through
// env[].valueFrom.secretKeyRef, every key through envFrom, and a file through secretFiles
// (mounted read-only). The Secret is the project's own; the service asks for the real node
// with the kubehpc.dev/real-node annotation (admitted for the cluster admin running the test).

import t from 'tap';
import { REAL_NODE_ANNOTATION } from '../../../common/names.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import {
  BUSYBOX_IMAGE,
  exec,
  isServing,
  REAL_NODE_NAME,
  realNodeSkipReason,
  servicePods,
} from './support.ts';

const SCRIPT = `trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done`;

t.test(
  'a running container reads a Secret through env, envFrom and a read-only file',
  { skip: realNodeSkipReason() },
  async (t) => {
    const ns = await testNamespace(t, 'real-secret');
    const secret = await kubectl([
      'create',
      'secret',
      'generic',
      'db',
      '-n',
      ns,
      '--from-literal=password=s3cret-value',
      '--from-literal=user=portal',
    ]);
    t.equal(secret.code, 0, secret.stderr);
    const manifest = {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'reader', namespace: ns, annotations: { [REAL_NODE_ANNOTATION]: 'true' } },
      spec: {
        image: BUSYBOX_IMAGE,
        command: ['sh', '-c', SCRIPT],
        replicas: 1,
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
        envFrom: [{ prefix: 'DB_', secretRef: { name: 'db' } }],
        secretFiles: [{ secretName: 'db', mountPath: '/etc/db' }],
      },
    };
    const applied = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    t.equal(applied.code, 0, applied.stderr);

    const pod = await eventually(
      'the reader pod running on the real node',
      async () => {
        return (await servicePods(ns, 'reader')).find(isServing);
      },
      180_000,
    );
    t.equal(pod.spec?.nodeName, REAL_NODE_NAME, 'on the real node');
    const name = pod.metadata?.name ?? '';
    t.equal(
      (await exec(ns, name, ['sh', '-c', 'echo "$DB_PASSWORD"'])).trim(),
      's3cret-value',
      'secretKeyRef env',
    );
    t.equal(
      (await exec(ns, name, ['sh', '-c', 'echo "$DB_user"'])).trim(),
      'portal',
      'envFrom with its prefix',
    );
    t.equal(
      (await exec(ns, name, ['cat', '/etc/db/password'])).trim(),
      's3cret-value',
      'the Secret as a file',
    );
    const write = await kubectl(['exec', '-n', ns, name, '--', 'sh', '-c', 'echo x > /etc/db/password']);
    t.not(write.code, 0, 'the Secret files are read-only');
    t.match(write.stderr, /Read-only file system/);
  },
);
