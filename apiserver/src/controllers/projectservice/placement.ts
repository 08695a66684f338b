// Where a replica may run, as pod-spec pieces: the node selector and tolerations of
// spec.placement (after the local platform's real-node stand-in, which keeps working), and
// the anti-affinity of `spread`. Pure.
//
// spread Nodes is a preferred anti-affinity on purpose: a required one leaves a surge replica
// Pending whenever every node already runs a replica (3 replicas on 3 nodes), and a rolling
// update then stalls; the scheduler still spreads whenever it can. NodesRequired is there for
// services that would rather not run than share a node. Core services default to Nodes.

import type { V1Affinity, V1PodSpec, V1Toleration } from '@kubernetes/client-node';
import type { ProjectService, Toleration } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { selectorLabels } from './identity.ts';
import { sortedRecord } from './sorted.ts';

/** Well-known node label each node carries with its own name. */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

export function spreadOf(ps: ProjectService): 'None' | 'Nodes' | 'NodesRequired' {
  return ps.spec.placement?.spread ?? (ps.spec.core === true ? 'Nodes' : 'None');
}

function toleration(t: Toleration): V1Toleration {
  return {
    ...(t.effect ? { effect: t.effect } : {}),
    ...(t.key ? { key: t.key } : {}),
    operator: t.operator ?? 'Equal',
    ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
    ...(t.value ? { value: t.value } : {}),
  };
}

function affinity(ps: ProjectService): V1Affinity | undefined {
  const spread = spreadOf(ps);
  if (spread === 'None') return undefined;
  const term = { labelSelector: { matchLabels: selectorLabels(ps) }, topologyKey: HOSTNAME_TOPOLOGY_KEY };
  return {
    podAntiAffinity:
      spread === 'NodesRequired'
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: term, weight: 100 }] },
  };
}

/** The placement fields of the pod spec; `base` is what the real-node stand-in asks for. */
export function placement(
  ps: ProjectService,
  base: Pick<V1PodSpec, 'nodeSelector' | 'tolerations'>,
): Pick<V1PodSpec, 'affinity' | 'nodeSelector' | 'tolerations'> {
  const nodeSelector = { ...(base.nodeSelector ?? {}), ...(ps.spec.placement?.nodeSelector ?? {}) };
  const tolerations = [
    ...(base.tolerations ?? []),
    ...(ps.spec.placement?.tolerations ?? []).map(toleration),
  ];
  const a = affinity(ps);
  return {
    ...(a ? { affinity: a } : {}),
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector: sortedRecord(nodeSelector) } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
  };
}
