// Checking an ExtenderArgs body and building the answers. Pure. A body that is not what the
// scheduler sends is an ArgsError with a message naming the problem; the HTTP layer turns it
// into a 400 from its error catalogue.

import type { PodLike } from '../../../common/nodes/demand.ts';
import { isObject } from '../../../common/object.ts';
import type { ExtenderFilterResult, HostPriorityList } from './types.ts';

export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

export interface ParsedArgs {
  pod: PodLike;
  nodeNames: string[];
  /** Set when the scheduler sent full nodes (not node-cache capable): answer in kind. */
  nodes: Array<{ metadata?: { name?: string } }> | undefined;
}

/** Names that need no JSON escaping (every valid node name). */
const PLAIN_NAME = /^[a-z0-9.-]+$/;

/** Kubernetes object names are at most 253 characters; anything else is not a node name. */
const MAX_NAME = 253;

export function parseArgs(body: unknown): ParsedArgs {
  if (!isObject(body)) throw new ArgsError('body must be a JSON object (ExtenderArgs)');
  const pod = body.Pod;
  if (!isObject(pod)) throw new ArgsError('ExtenderArgs.Pod must be a Pod object');
  const meta = pod.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    throw new ArgsError('ExtenderArgs.Pod.metadata.name must be a non-empty string');
  }
  if (pod.spec !== undefined && pod.spec !== null && !isObject(pod.spec)) {
    throw new ArgsError('ExtenderArgs.Pod.spec must be an object');
  }
  const names = body.NodeNames;
  const nodes = body.Nodes;
  if (names !== null && names !== undefined) {
    if (!Array.isArray(names))
      throw new ArgsError('ExtenderArgs.NodeNames must be a list of node names or null');
    for (const [i, n] of names.entries()) {
      if (typeof n !== 'string' || n === '' || n.length > MAX_NAME) {
        throw new ArgsError(`ExtenderArgs.NodeNames[${i}] is not a node name`);
      }
    }
    return { pod: pod as PodLike, nodeNames: names as string[], nodes: undefined };
  }
  if (nodes !== null && nodes !== undefined) {
    const items = isObject(nodes) ? nodes.items : undefined;
    if (items !== null && !Array.isArray(items))
      throw new ArgsError('ExtenderArgs.Nodes.items must be a list');
    const list = (items ?? []) as unknown[];
    const nodeNames = list.map((item, i) => {
      const name = isObject(item) && isObject(item.metadata) ? item.metadata.name : undefined;
      if (typeof name !== 'string' || name === '' || name.length > MAX_NAME) {
        throw new ArgsError(`ExtenderArgs.Nodes.items[${i}].metadata.name is not a node name`);
      }
      return name;
    });
    return { pod: pod as PodLike, nodeNames, nodes: list as Array<{ metadata?: { name?: string } }> };
  }
  throw new ArgsError('ExtenderArgs must carry NodeNames (nodeCacheCapable) or Nodes');
}

/**
 * The ExtenderFilterResult as JSON text, written directly: building an object with thousands
 * of dynamic keys first costs more than the filtering itself at 5,000 nodes.
 */
export function filterResultJson(
  args: ParsedArgs,
  passed: readonly string[],
  failed: ReadonlyMap<string, string>,
  unresolvable: ReadonlyMap<string, string>,
): string {
  // Few distinct reasons, many nodes: quote each reason once.
  const quoted = new Map<string, string>();
  const quote = (reason: string) => {
    let q = quoted.get(reason);
    if (q === undefined) {
      q = JSON.stringify(reason);
      quoted.set(reason, q);
    }
    return q;
  };
  const map = (m: ReadonlyMap<string, string>) => {
    const parts: string[] = [];
    for (const [name, reason] of m) {
      parts.push(`${PLAIN_NAME.test(name) ? `"${name}"` : JSON.stringify(name)}:${quote(reason)}`);
    }
    return `{${parts.join(',')}}`;
  };
  let nodes = 'null';
  let names = 'null';
  if (args.nodes) {
    const keep = new Set(passed);
    nodes = JSON.stringify({ items: args.nodes.filter((n) => keep.has(n.metadata?.name ?? '')) });
  } else {
    names = JSON.stringify(passed);
  }
  return `{"Nodes":${nodes},"NodeNames":${names},"FailedNodes":${map(failed)},"FailedAndUnresolvableNodes":${map(unresolvable)},"Error":""}`;
}

export function filterError(message: string): ExtenderFilterResult {
  return { Nodes: null, NodeNames: null, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: message };
}

export function priorityList(scores: ReadonlyMap<string, number>): HostPriorityList {
  return [...scores].map(([Host, Score]) => ({ Host, Score }));
}
