// The kube-scheduler extender protocol (k8s.io/kube-scheduler/extender/v1) as it travels:
// Go structs without JSON tags, so PascalCase keys, and nulls for unused pointer fields.

import type { PodLike } from '../../../common/nodes/demand.ts';

/** Body of filter and prioritize calls. */
export interface ExtenderArgs {
  Pod: PodLike | null;
  /** Full nodes: sent only when the extender is not node-cache capable. */
  Nodes: { items: Array<{ metadata?: { name?: string } }> | null } | null;
  /** Node names: sent when `nodeCacheCapable: true`. */
  NodeNames: string[] | null;
}

/** node name → failure reason. */
export type FailedNodesMap = Record<string, string>;

export interface ExtenderFilterResult {
  Nodes: { items: unknown[] } | null;
  NodeNames: string[] | null;
  FailedNodes: FailedNodesMap;
  FailedAndUnresolvableNodes: FailedNodesMap;
  Error: string;
}

export interface HostPriority {
  Host: string;
  Score: number;
}

export type HostPriorityList = HostPriority[];
