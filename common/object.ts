// The one test for "a JSON object" (not null, not an array) that code reading decoded JSON
// or YAML narrows with before it looks at fields, and the one canonical JSON text of a value.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON with every object's keys sorted, so equal values (statuses, specs) give equal text
 * whatever their key order: for comparing and hashing, never for sending.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
