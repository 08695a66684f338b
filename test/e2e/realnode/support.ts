// What the real node's end-to-end tests share: pods that ask for real-0 (its class and its
// taint), waiting for them to run, and reading what the kubelet reports about them.

import type { V1Pod } from '@kubernetes/client-node';
import {
  NODE_CLASS_LABEL,
  REAL_NODE_CLASS,
  REAL_NODE_NAME,
  REAL_NODE_TAINT,
  SERVICE_LABEL,
} from '../../../common/names.ts';
import { BUSYBOX_IMAGE } from '../../../platform/src/realnode/config.ts';
import { eventually, kubectl, objects, platform } from '../../support/cluster.ts';

export { BUSYBOX_IMAGE, REAL_NODE_NAME };

/** Skips a whole file when this platform runs without the real node (KUBEHPC_REAL_NODE=0). */
export function realNodeSkipReason(): string | false {
  return platform.realNode ? false : 'this platform runs without the real node (KUBEHPC_REAL_NODE=0)';
}

/**
 * A busybox pod for real-0: a shell script as its one container, stopping at once on SIGTERM
 * (a shell as PID 1 ignores it otherwise), restricted-profile security like kubehpc's own pods.
 */
export function realPod(
  namespace: string,
  name: string,
  script: string,
  container: Record<string, unknown> = {},
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeSelector: { [NODE_CLASS_LABEL]: REAL_NODE_CLASS },
      tolerations: [{ key: REAL_NODE_TAINT, operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 2,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'main',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', `trap 'exit 0' TERM; ${script}`],
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          ...container,
        },
      ],
    },
  };
}

export async function readPod(namespace: string, name: string): Promise<V1Pod> {
  return (await objects().read({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } })) as V1Pod;
}

/** Waits until the pod's containers all run and are ready; fails early when it cannot start. */
export async function podRunning(namespace: string, name: string, timeoutMs = 120_000): Promise<V1Pod> {
  return eventually(
    `pod ${namespace}/${name} running`,
    async () => {
      const pod = await readPod(namespace, name);
      const statuses = pod.status?.containerStatuses ?? [];
      for (const s of statuses) {
        const reason = s.state?.waiting?.reason;
        if (reason && /ErrImage|ImagePull|CreateContainer|InvalidImageName/.test(reason)) {
          throw new Error(`${name}: ${reason}: ${s.state?.waiting?.message ?? ''}`);
        }
      }
      const running =
        pod.status?.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.ready);
      return running ? pod : undefined;
    },
    timeoutMs,
  );
}

/** The pods of a ProjectService, found by its service label. */
export async function servicePods(namespace: string, service: string): Promise<V1Pod[]> {
  const list = await objects().list(
    'v1',
    'Pod',
    namespace,
    undefined,
    undefined,
    undefined,
    undefined,
    `${SERVICE_LABEL}=${service}`,
  );
  return list.items as V1Pod[];
}

/** Running, every container ready, not being deleted. */
export function isServing(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status.containerStatuses?.every((c) => c.ready) ?? false)
  );
}

/** `kubectl logs` of a pod, failing on a kubectl error. */
export async function logs(namespace: string, name: string, extra: string[] = []): Promise<string> {
  const result = await kubectl(['logs', '-n', namespace, name, ...extra]);
  if (result.code !== 0) throw new Error(`kubectl logs ${name}: ${result.stderr}`);
  return result.stdout;
}

/** `kubectl exec` in a pod's first container, failing on a non-zero exit. */
export async function exec(namespace: string, name: string, command: string[]): Promise<string> {
  const result = await kubectl(['exec', '-n', namespace, name, '--', ...command]);
  if (result.code !== 0) throw new Error(`kubectl exec ${name} ${command.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
