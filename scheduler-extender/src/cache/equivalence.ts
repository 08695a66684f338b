// The equivalence cache: each node's filter verdict per pod shape, valid while the node's
// generation stands. Most pods of a burst are replicas of one service and share a shape, so
// a repeated shape costs only the nodes that changed since (kube-scheduler once kept exactly
// this cache). A shape is everything the predicates read of a pod (never its name or uid),
// plus the mode and predicate order, which decide which reason a failing node reports.
// The node cache bumps a node's generation on every change to what a pod sees of it: the
// node, its topology, pods placed on it, holds on it. Bounded: the least recently used
// shapes go first. No I/O.

import type { PodDemand } from '../../../common/nodes/demand.ts';

/** A node's verdict for a shape: passed, or failed with the reason and whether only the node can help. */
export interface NodeVerdict {
  reason: string | undefined;
  resolvable: boolean;
}

export const PASSED: NodeVerdict = Object.freeze({ reason: undefined, resolvable: true });

interface Entry {
  generation: number;
  verdict: NodeVerdict;
}

/** What the predicates read of a pod, with the evaluation that produced the verdicts. */
export function shapeKey(d: PodDemand, mode: string, order: readonly { name: string }[]): string {
  const names = order.map((p) => p.name).join(',');
  return `${mode}|${names}|${d.cpu}|${d.memory}|${d.vfs}|${d.localDisk}|${d.singleNuma}`;
}

export class EquivalenceCache {
  readonly #shapes = new Map<string, Map<string, Entry>>();
  readonly #maxShapes: number;
  #hits = 0;
  #misses = 0;

  constructor(maxShapes = 64) {
    this.#maxShapes = maxShapes;
  }

  /** The verdicts of one shape, made most recently used (and made, when new). */
  shape(key: string): ShapeVerdicts {
    let entries = this.#shapes.get(key);
    if (entries === undefined) {
      entries = new Map();
      if (this.#shapes.size >= this.#maxShapes) {
        const oldest = this.#shapes.keys().next().value;
        if (oldest !== undefined) this.#shapes.delete(oldest);
      }
    } else this.#shapes.delete(key);
    this.#shapes.set(key, entries);
    return new ShapeVerdicts(entries, this);
  }

  /** A node is gone: its verdicts can never be used again. */
  forgetNode(name: string): void {
    for (const entries of this.#shapes.values()) entries.delete(name);
  }

  get shapes(): number {
    return this.#shapes.size;
  }

  /** Lookups answered and not answered from the cache since the start. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }

  count(hit: boolean): void {
    if (hit) this.#hits++;
    else this.#misses++;
  }
}

/** One shape's verdicts, looked up and stored against the node generation given. */
export class ShapeVerdicts {
  readonly #entries: Map<string, Entry>;
  readonly #owner: EquivalenceCache;

  constructor(entries: Map<string, Entry>, owner: EquivalenceCache) {
    this.#entries = entries;
    this.#owner = owner;
  }

  get(node: string, generation: number): NodeVerdict | undefined {
    const e = this.#entries.get(node);
    const hit = e !== undefined && e.generation === generation;
    this.#owner.count(hit);
    return hit ? e.verdict : undefined;
  }

  set(node: string, generation: number, verdict: NodeVerdict): void {
    this.#entries.set(node, { generation, verdict });
  }
}
