// Maps with keys in code-point order, so rendered objects serialise identically every time
// and a hash or a diff of them never changes because of insertion order.

export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const out: Record<string, V> = {};
  // Defined, not assigned: a config file may be named `__proto__` and must stay a member.
  for (const key of Object.keys(record).sort())
    Object.defineProperty(out, key, {
      value: record[key],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  return out;
}

/** Comparator for names in code-point order (what `sort()` does without one). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
