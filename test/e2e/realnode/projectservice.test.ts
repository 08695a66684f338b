// ProjectService config updates on a real kubelet. `onChange: Live`: the running container
// sees the new file (the kubelet's atomic `..data` symlink swap), in the same container,
// never restarted. `onChange: Restart`: the update rolls the pods and the new one reads it.
// The services ask for the real node with the kubehpc.dev/real-node annotation.

import type { V1Pod } from '@kubernetes/client-node';
import t from 'tap';
import { REAL_NODE_ANNOTATION } from '../../../common/names.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import {
  BUSYBOX_IMAGE,
  exec,
  isServing,
  logs,
  REAL_NODE_NAME,
  realNodeSkipReason,
  servicePods,
} from './support.ts';

const skip = realNodeSkipReason();

const SCRIPT = `trap 'exit 0' TERM; while true; do echo "msg=$(cat /etc/app/msg)"; sleep 1 & wait $!; done`;

function service(ns: string, name: string, onChange: 'Live' | 'Restart', message: string): string {
  return JSON.stringify({
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    kind: 'ProjectService',
    metadata: { name, namespace: ns, annotations: { [REAL_NODE_ANNOTATION]: 'true' } },
    spec: {
      image: BUSYBOX_IMAGE,
      command: ['sh', '-c', SCRIPT],
      replicas: 1,
      config: { mountPath: '/etc/app', onChange, files: { msg: message } },
    },
  });
}

async function apply(manifest: string): Promise<void> {
  const result = await kubectl(['apply', '-f', '-'], { input: manifest });
  if (result.code !== 0) throw new Error(`kubectl apply: ${result.stderr}`);
}

/** The service's one running, ready pod, once there is exactly one. */
async function onlyPod(ns: string, name: string, what: string, timeoutMs = 180_000): Promise<V1Pod> {
  return eventually(
    what,
    async () => {
      const pods = await servicePods(ns, name);
      if (pods.length !== 1) return undefined;
      const [pod] = pods as [V1Pod];
      return isServing(pod) ? pod : undefined;
    },
    timeoutMs,
  );
}

const containerOf = (pod: V1Pod) => {
  const status = pod.status?.containerStatuses?.[0];
  if (!status) throw new Error(`pod ${pod.metadata?.name} has no container status`);
  return status;
};

t.test(
  'onChange Live: the running container reads the new file, same container, no restart',
  { skip },
  async (t) => {
    const ns = await testNamespace(t, 'real-live');
    await apply(service(ns, 'live', 'Live', 'first'));
    const before = await onlyPod(ns, 'live', "the live service's pod to run");
    t.equal(before.spec?.nodeName, REAL_NODE_NAME, 'on the real node, through the annotation');
    const podName = before.metadata?.name ?? '';
    t.equal((await exec(ns, podName, ['cat', '/etc/app/msg'])).trim(), 'first');

    await apply(service(ns, 'live', 'Live', 'second'));
    await eventually(
      'the running container to see the new file',
      async () => ((await exec(ns, podName, ['cat', '/etc/app/msg'])).trim() === 'second' ? true : undefined),
      120_000,
    );
    const seenInLog = await eventually('the process to log the new content', async () => {
      const text = await logs(ns, podName);
      return text.includes('msg=second') ? text : undefined;
    });
    t.ok(seenInLog.indexOf('msg=first') < seenInLog.indexOf('msg=second'), 'one process saw both, in order');

    const after = await onlyPod(ns, 'live', 'the pod after the update');
    t.equal(after.metadata?.uid, before.metadata?.uid, 'the same pod');
    t.equal(containerOf(after).containerID, containerOf(before).containerID, 'the same container');
    t.equal(containerOf(after).restartCount, 0, 'never restarted');
  },
);

t.test('onChange Restart: a config update rolls the pod and the new one reads it', { skip }, async (t) => {
  const ns = await testNamespace(t, 'real-restart');
  await apply(service(ns, 'rolling', 'Restart', 'first'));
  const before = await onlyPod(ns, 'rolling', "the restart service's pod to run");
  t.equal(before.spec?.nodeName, REAL_NODE_NAME);

  await apply(service(ns, 'rolling', 'Restart', 'second'));
  const after = await eventually(
    'a new pod to replace the old one',
    async () => {
      const pod = await onlyPod(ns, 'rolling', 'one running pod', 10_000).catch(() => undefined);
      return pod && pod.metadata?.uid !== before.metadata?.uid ? pod : undefined;
    },
    180_000,
  );
  t.not(containerOf(after).containerID, containerOf(before).containerID, 'a new container');
  t.equal((await exec(ns, after.metadata?.name ?? '', ['cat', '/etc/app/msg'])).trim(), 'second');
  t.match(await logs(ns, after.metadata?.name ?? ''), /^msg=second$/m);
});
