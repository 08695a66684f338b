// Max in-flight requests, as kube-apiserver's --max-requests-inflight and
// --max-mutating-requests-inflight: beyond the limit a request is refused at once with 429
// and Retry-After, so overload shows as fast, retryable errors rather than timeouts.
// Watches are long-running and not counted.

export class InflightLimiter {
  readonly #limits: { readonly: number; mutating: number };
  readonly #current = { readonly: 0, mutating: 0 };

  constructor(readonlyLimit: number, mutatingLimit: number) {
    this.#limits = { readonly: readonlyLimit, mutating: mutatingLimit };
  }

  static kindOf(verb: string): 'readonly' | 'mutating' {
    return ['get', 'list', 'watch'].includes(verb) ? 'readonly' : 'mutating';
  }

  /** Takes a slot; false when the limit is reached (0: unlimited). */
  tryAcquire(kind: 'readonly' | 'mutating'): boolean {
    const limit = this.#limits[kind];
    if (limit > 0 && this.#current[kind] >= limit) return false;
    this.#current[kind]++;
    return true;
  }

  release(kind: 'readonly' | 'mutating'): void {
    this.#current[kind] = Math.max(0, this.#current[kind] - 1);
  }

  inUse(kind: 'readonly' | 'mutating'): number {
    return this.#current[kind];
  }
}
