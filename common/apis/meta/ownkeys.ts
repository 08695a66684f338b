// Reading and writing object members named by a client. A key a client sends is data, never
// a way into a prototype: `obj[key]` with key `__proto__` reads Object.prototype and
// `obj[key] = v` replaces the object's prototype, `key in obj` is true for `constructor`.
// Every path that indexes an object with a user-supplied key (patches, apply, pruning,
// managedFields, label and config maps) goes through these three functions, which see
// only own members and define (never assign) them. Pure.

/** Member names that name a prototype; refused wherever a schema says a field cannot be data. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The object's own member `key`, or undefined; never an inherited one. */
export function ownValue(object: object | undefined, key: string): unknown {
  return object !== undefined && Object.hasOwn(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/** Whether the object has its own member `key` (unlike `key in object`). */
export function hasOwnKey(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** Sets the own member `key` as plain data, even when `key` is `__proto__`. */
export function setOwn(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}
