// The one test for "a JSON object" (not null, not an array) that code reading decoded JSON
// or YAML narrows with before it looks at fields.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
