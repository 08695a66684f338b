// The edge that feeds the node cache: list+watch informers on Nodes, NodeResourceTopologies
// and bound, non-terminal pods. Reports synced once every informer has listed.

import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1Node,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import {
  createInformer,
  customResourceSource,
  type Informer,
  type InformerSpec,
} from '../../../common/informer.ts';
import type { Logger } from '../../../common/log.ts';
import { NODE_RESOURCE_TOPOLOGY } from '../../../common/names.ts';
import type { PodLike } from '../../../common/nodes/demand.ts';
import type { NodeCache } from './node-cache.ts';

/** Pods placed on a node and still holding resources. */
const BOUND_PODS = 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed';

export interface CacheFeed {
  synced(): boolean;
  stop(): Promise<void>;
}

export async function startInformers(kc: KubeConfig, cache: NodeCache, log: Logger): Promise<CacheFeed> {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const watch = new Watch(kc);
  const informer = <T extends KubernetesObject>(spec: InformerSpec<T>) =>
    createInformer<T>(watch, spec, log) as Informer<KubernetesObject>;
  const informers = [
    informer<V1Node>({
      name: 'nodes',
      path: '/api/v1/nodes',
      list: () => core.listNode(),
      onUpsert: (n) => cache.upsertNode(n as Parameters<NodeCache['upsertNode']>[0]),
      onDelete: (n) => cache.deleteNode(n.metadata?.name ?? ''),
    }),
    informer({
      name: 'noderesourcetopologies',
      ...customResourceSource(custom, NODE_RESOURCE_TOPOLOGY),
      onUpsert: (o) => cache.upsertTopology(o as Parameters<NodeCache['upsertTopology']>[0]),
      onDelete: (o) => cache.deleteTopology(o.metadata?.name ?? ''),
    }),
    informer<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces({ fieldSelector: BOUND_PODS }),
      fieldSelector: BOUND_PODS,
      onUpsert: (p) => cache.upsertPod(p as PodLike),
      onDelete: (p) => cache.deletePod(p as PodLike),
    }),
  ];
  await Promise.all(informers.map((i) => i.start()));
  return {
    synced: () => informers.every((i) => i.synced()),
    stop: async () => {
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}
