// A small time-bounded cache for authentication and authorization answers. Bounded twice:
// by count (the oldest entry goes first), and by time — expired entries are swept out as
// writes go on, so a burst of one-off users does not hold its answers until 10,000 others
// push them out.

export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #max: number;
  readonly #sweepEveryMs: number;
  #nextSweep = 0;

  constructor(max = 10_000, sweepEveryMs = 10_000) {
    this.#max = max;
    this.#sweepEveryMs = sweepEveryMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, now = Date.now()): void {
    if (now >= this.#nextSweep) {
      // At most one pass per interval: O(size) every few seconds, nothing per request.
      for (const [k, entry] of this.#entries) if (entry.expires <= now) this.#entries.delete(k);
      this.#nextSweep = now + this.#sweepEveryMs;
    }
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expires: now + ttlMs });
  }
}
