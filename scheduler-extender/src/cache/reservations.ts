// In-flight placements: once the extender passes nodes for a pod, the pod's disk, VFs and
// NUMA-zone share are held against each of those nodes until the pod is seen bound (the
// hold on its node becomes usage) or deleted, or the TTL expires. This closes the window
// in which two pods filtered back to back could both take the last free capacity.
//
// Holds are summed per node as they are made and released, so reading what a node has held
// costs one lookup however many pods are in flight.

export interface ZoneHold {
  name: string;
  cpu: number;
  memory: number;
  vfs: number;
}

export interface Hold {
  disk: number;
  vfs: number;
  zone: ZoneHold | undefined;
}

export interface HeldTotals {
  disk: number;
  vfs: number;
  zones: Map<string, { cpu: number; memory: number; vfs: number }>;
}

interface Reservation {
  expiresAt: number;
  holds: ReadonlyMap<string, Hold>;
}

const EPSILON = 1e-9;

export class Reservations {
  readonly #byPod = new Map<string, Reservation>();
  readonly #byNode = new Map<string, HeldTotals>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #onNodeChange: (node: string) => void;

  /** `onNodeChange` hears of every node whose held totals change. */
  constructor(ttlMs: number, now: () => number = Date.now, onNodeChange: (node: string) => void = () => {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#onNodeChange = onNodeChange;
  }

  /** Holds these needs on these nodes for the pod, replacing what it held before. */
  reserve(uid: string, holds: ReadonlyMap<string, Hold>): void {
    this.release(uid);
    if (holds.size === 0) return;
    this.#byPod.set(uid, { expiresAt: this.#now() + this.#ttlMs, holds });
    for (const [node, hold] of holds) this.#add(node, hold, 1);
  }

  /** Drops the pod's holds and returns them (undefined when it had none). */
  release(uid: string): ReadonlyMap<string, Hold> | undefined {
    const r = this.#byPod.get(uid);
    if (!r) return undefined;
    this.#byPod.delete(uid);
    for (const [node, hold] of r.holds) this.#add(node, hold, -1);
    return r.holds;
  }

  /** Drops expired reservations; returns how many. */
  expire(): number {
    const now = this.#now();
    let expired = 0;
    for (const [uid, r] of this.#byPod) {
      if (r.expiresAt > now) continue;
      this.release(uid);
      expired++;
    }
    return expired;
  }

  /** The pod's own hold on a node (what it must not compete with). */
  own(uid: string, node: string): Hold | undefined {
    return this.#byPod.get(uid)?.holds.get(node);
  }

  /** Everything held on a node, all pods together; undefined when nothing is. */
  on(node: string): Readonly<HeldTotals> | undefined {
    return this.#byNode.get(node);
  }

  get pods(): number {
    return this.#byPod.size;
  }

  #add(node: string, hold: Hold, sign: 1 | -1): void {
    let t = this.#byNode.get(node);
    if (!t) {
      t = { disk: 0, vfs: 0, zones: new Map() };
      this.#byNode.set(node, t);
    }
    t.disk += sign * hold.disk;
    t.vfs += sign * hold.vfs;
    if (hold.zone) {
      const z = t.zones.get(hold.zone.name) ?? { cpu: 0, memory: 0, vfs: 0 };
      z.cpu += sign * hold.zone.cpu;
      z.memory += sign * hold.zone.memory;
      z.vfs += sign * hold.zone.vfs;
      t.zones.set(hold.zone.name, z);
    }
    if (sign < 0 && isEmpty(t)) this.#byNode.delete(node);
    this.#onNodeChange(node);
  }
}

function isEmpty(t: HeldTotals): boolean {
  if (t.disk > EPSILON || t.vfs > EPSILON) return false;
  for (const z of t.zones.values())
    if (z.cpu > EPSILON || z.memory > EPSILON || z.vfs > EPSILON) return false;
  return true;
}
