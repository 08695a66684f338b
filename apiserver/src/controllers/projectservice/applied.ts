// Whether a child needs a server-side apply, and the memory of what this controller term
// last applied. A live child that drift finds InSync is skipped between generations (drift
// repair is the only reason to apply then); on a new generation it is skipped too when the
// very same rendered object was applied before in this term, because then a field the new
// render dropped cannot be left behind (server-side apply removes dropped fields, drift does
// not see them). A burst re-reconciles each service several times before the informer shows
// its new observedGeneration: those passes now send no PATCH. Pure apart from the Map.

import type { Drift } from './drift.ts';

/** The rendered child as sent: the request body, and the key that says "same as before". */
export function appliedText(want: unknown): string {
  return JSON.stringify(want);
}

export function needsApply(
  found: Drift,
  newGeneration: boolean,
  lastApplied: string | undefined,
  wantText: string,
): boolean {
  if (found.state !== 'InSync') return true;
  if (!newGeneration) return false;
  return lastApplied !== wantText;
}

/**
 * What was last applied per service (its namespace/name key) and child. The rendered text
 * carries the owner's uid, so a service deleted and created again under the same name never
 * matches its predecessor's entry.
 */
export class AppliedMemory {
  readonly #byService = new Map<string, Map<string, string>>();

  get(service: string, child: string): string | undefined {
    return this.#byService.get(service)?.get(child);
  }

  remember(service: string, child: string, text: string): void {
    let children = this.#byService.get(service);
    if (children === undefined) {
      children = new Map();
      this.#byService.set(service, children);
    }
    children.set(child, text);
  }

  /** Forgets a child (deleted, or its apply failed) or, without one, the whole service. */
  forget(service: string, child?: string): void {
    if (child === undefined) this.#byService.delete(service);
    else this.#byService.get(service)?.delete(child);
  }

  /** Services remembered (for tests and metrics). */
  get size(): number {
    return this.#byService.size;
  }
}
