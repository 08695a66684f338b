// The extender wired into the real kube-scheduler of the local platform (kwok nodes from
// platform/fixtures/nodes.yaml): where pods asking for NUMA alignment, VFs and local disk
// land, and what a pod that cannot fit is told.

import type { KubernetesObject } from '@kubernetes/client-node';
import t from 'tap';
import {
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_SINGLE_NODE,
  SRIOV_VF_RESOURCE,
} from '../../../common/names.ts';
import { HOST } from '../../../platform/src/layout.ts';
import { eventually, objects, platform, testNamespace } from '../../support/cluster.ts';

interface PodObject extends KubernetesObject {
  spec?: { nodeName?: string };
}

function podManifest(
  namespace: string,
  name: string,
  options: { limits?: Record<string, string>; numa?: boolean; nodes?: string[] },
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      ...(options.numa ? { annotations: { [NUMA_POLICY_ANNOTATION]: NUMA_POLICY_SINGLE_NODE } } : {}),
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.example/app:1',
          resources: {
            requests: { cpu: '1', memory: '1Gi' },
            limits: { cpu: '1', memory: '1Gi', ...options.limits },
          },
        },
      ],
      // kwok nodes carry no taints; restricting the candidates makes each placement decisive.
      ...(options.nodes
        ? {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'kubernetes.io/hostname', operator: 'In', values: options.nodes },
                      ],
                    },
                  ],
                },
              },
            },
          }
        : {}),
    },
  } as KubernetesObject;
}

/**
 * Deletes the test's pods at once and waits until they are gone, so capacity they held
 * (VFs, local disk) is free for the next run instead of lingering in a terminating namespace.
 */
function removePodsAtEnd(t: { teardown(fn: () => Promise<void>): void }, namespace: string): void {
  t.teardown(async () => {
    const client = objects();
    const pods = (await client.list('v1', 'Pod', namespace)).items;
    for (const pod of pods) {
      await client
        .delete(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata?.name ?? '', namespace } },
          undefined,
          undefined,
          0,
        )
        .catch(() => undefined);
    }
    await eventually(`pods of ${namespace} gone`, async () =>
      (await client.list('v1', 'Pod', namespace)).items.length === 0 ? true : undefined,
    );
  });
}

async function boundNode(namespace: string, name: string): Promise<string> {
  const client = objects();
  return eventually(`pod ${namespace}/${name} bound`, async () => {
    const pod = (await client.read({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
    })) as PodObject;
    return pod.spec?.nodeName || undefined;
  });
}

async function failedSchedulingMessage(namespace: string, name: string): Promise<string> {
  const client = objects();
  return eventually(`a FailedScheduling event for ${namespace}/${name}`, async () => {
    const events = (await client.list('v1', 'Event', namespace)).items as Array<
      KubernetesObject & { reason?: string; message?: string; involvedObject?: { name?: string } }
    >;
    return events.find((e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === name)?.message;
  });
}

t.test('a single-NUMA pod with VFs lands where one zone holds them, not on split VFs', async (t) => {
  const ns = await testNamespace(t, 'ext-numa');
  removePodsAtEnd(t, ns);
  const client = objects();
  const limits = { [SRIOV_VF_RESOURCE]: '3' };
  // split-0 has 4 VFs (2 + 2), enough for the scheduler's own count, but no zone with 3.
  await client.create(podManifest(ns, 'aligned', { limits, numa: true, nodes: ['split-0', 'hpc-0'] }));
  t.equal(await boundNode(ns, 'aligned'), 'hpc-0');
  await client.create(podManifest(ns, 'only-split', { limits, numa: true, nodes: ['split-0'] }));
  const message = await failedSchedulingMessage(ns, 'only-split');
  // Whichever of the two predicates that see it runs first (the order adapts to failure
  // rates) names the same fact: no single zone of split-0 holds 3 VFs.
  t.match(
    message,
    /SR-IOV: needs 3 VFs in one NUMA zone, the node's VFs are split across zones|NUMA: no zone can hold .*3 VFs/,
  );
  // The same pod without NUMA alignment fits split-0: the extender rejected only the split.
  await client.create(podManifest(ns, 'unaligned', { limits, nodes: ['split-0'] }));
  t.equal(await boundNode(ns, 'unaligned'), 'split-0');
});

t.test('a pod asking for more local disk than any node has stays Pending with the reason', async (t) => {
  const ns = await testNamespace(t, 'ext-disk');
  removePodsAtEnd(t, ns);
  const client = objects();
  await client.create(podManifest(ns, 'huge', { limits: { [LOCAL_DISK_RESOURCE]: '2000Gi' } }));
  const message = await failedSchedulingMessage(ns, 'huge');
  t.match(message, /8 local disk: needs 2000Gi, more than the node has/);
  const pod = (await client.read({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'huge', namespace: ns },
  })) as PodObject;
  t.notOk(pod.spec?.nodeName, 'still unbound');
});

t.test('two pods that each need most of a node’s free disk land on different nodes', async (t) => {
  const ns = await testNamespace(t, 'ext-twin');
  removePodsAtEnd(t, ns);
  const client = objects();
  const limits = { [LOCAL_DISK_RESOURCE]: '1200Gi' };
  const nodes = ['hpc-1', 'hpc-2'];
  // Back to back: the second is filtered while the first may not be bound yet.
  await Promise.all([
    client.create(podManifest(ns, 'first', { limits, nodes })),
    client.create(podManifest(ns, 'second', { limits, nodes })),
  ]);
  const placed = [await boundNode(ns, 'first'), await boundNode(ns, 'second')];
  t.same([...placed].sort(), nodes, `placed on ${placed.join(' and ')}`);
});

t.test(
  'a filter pass holds the disk it promised until the pod binds: the second pod is turned away',
  async (t) => {
    // Deterministic: kube-scheduler never sees these pods (another scheduler's name), so this
    // test calls the extender's filter itself — the second call certainly precedes the first
    // bind, which the test makes only afterwards.
    const ns = await testNamespace(t, 'ext-hold');
    removePodsAtEnd(t, ns);
    const client = objects();
    const node = 'hpc-3';
    const limits = { [LOCAL_DISK_RESOURCE]: '1200Gi' };
    const make = async (name: string) => {
      const manifest = podManifest(ns, name, { limits, nodes: [node] }) as KubernetesObject & {
        spec: Record<string, unknown>;
      };
      manifest.spec.schedulerName = 'not-kube-scheduler';
      return (await client.create(manifest)) as KubernetesObject & { spec: unknown };
    };
    const first = await make('first');
    const second = await make('second');
    const filter = async (pod: KubernetesObject & { spec: unknown }) => {
      const res = await fetch(`http://${HOST}:${platform.ports.schedulerExtender}/filter`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          Pod: { metadata: pod.metadata, spec: pod.spec },
          Nodes: null,
          NodeNames: [node],
        }),
      });
      t.equal(res.status, 200);
      return (await res.json()) as { NodeNames: string[] | null; FailedNodes: Record<string, string> | null };
    };
    const one = await filter(first);
    t.same(one.NodeNames, [node], 'the first pod fits the node');
    const two = await filter(second);
    t.same(two.NodeNames ?? [], [], 'the second does not: the first one’s disk is held');
    t.match(two.FailedNodes?.[node], /held for in-flight pods/);
    // Now bind the first: its hold becomes real use; the second still does not fit.
    await client.create({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'first', namespace: ns },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    } as KubernetesObject);
    t.equal(await boundNode(ns, 'first'), node);
    const three = await filter(second);
    t.same(three.NodeNames ?? [], [], 'bound, the first pod uses the disk');
  },
);

t.test('pods that need none of this schedule as before', async (t) => {
  const ns = await testNamespace(t, 'ext-plain');
  removePodsAtEnd(t, ns);
  const client = objects();
  await client.create(podManifest(ns, 'plain', { nodes: ['general-0'] }));
  t.equal(await boundNode(ns, 'plain'), 'general-0');
});
