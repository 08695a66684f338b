// The edge that feeds the node cache: list+watch informers on Nodes, NodeResourceTopologies
// and bound, non-terminal pods. Reports synced once every informer has listed.

import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  type V1Node,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { NODE_RESOURCE_TOPOLOGY } from '../../../common/names.ts';
import type { PodLike } from '../../../common/nodes/demand.ts';
import type { Logger } from '../ops/logging.ts';
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
  const { group, version, plural } = NODE_RESOURCE_TOPOLOGY;
  const synced = new Set<string>();
  const informers: Array<ListWatch<KubernetesObject>> = [];
  let stopped = false;

  function feed<T extends KubernetesObject>(
    what: string,
    path: string,
    list: () => Promise<KubernetesListObject<T>>,
    upsert: (o: T) => void,
    remove: (o: T) => void,
    fieldSelector?: string,
  ): void {
    const listAndMark = async () => {
      const result = await list();
      synced.add(what);
      return result;
    };
    const informer = new ListWatch<T>(path, watch, listAndMark, false, undefined, fieldSelector);
    informer.on('add', upsert);
    informer.on('update', upsert);
    informer.on('delete', remove);
    // ListWatch gives up on errors other than 410 and timeouts: restart it, backing off.
    let delayMs = 1000;
    informer.on('connect', () => {
      delayMs = 1000;
    });
    informer.on('error', (err: unknown) => {
      if (stopped) return;
      log.warn({ informer: what, err: String(err), retryInMs: delayMs }, 'informer failed; restarting');
      const timer = setTimeout(() => void informer.start(), delayMs);
      timer.unref();
      delayMs = Math.min(delayMs * 2, 30_000);
    });
    informers.push(informer as unknown as ListWatch<KubernetesObject>);
  }

  feed<V1Node>(
    'nodes',
    '/api/v1/nodes',
    () => core.listNode(),
    (n) => cache.upsertNode(n as Parameters<NodeCache['upsertNode']>[0]),
    (n) => cache.deleteNode(n.metadata?.name ?? ''),
  );
  feed<KubernetesObject>(
    'noderesourcetopologies',
    `/apis/${group}/${version}/${plural}`,
    () =>
      custom.listClusterCustomObject({ group, version, plural }) as Promise<
        KubernetesListObject<KubernetesObject>
      >,
    (o) => cache.upsertTopology(o as Parameters<NodeCache['upsertTopology']>[0]),
    (o) => cache.deleteTopology(o.metadata?.name ?? ''),
  );
  feed<V1Pod>(
    'pods',
    '/api/v1/pods',
    () => core.listPodForAllNamespaces({ fieldSelector: BOUND_PODS }),
    (p) => cache.upsertPod(p as PodLike),
    (p) => cache.deletePod(p as PodLike),
    BOUND_PODS,
  );
  await Promise.all(informers.map((i) => i.start()));
  return {
    synced: () => synced.size === informers.length,
    stop: async () => {
      stopped = true;
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}
