// One object version, decoded once and encoded once. The watch cache seals every version it
// holds (deep-frozen, so it can be shared); a sealed version's JSON, and the views derived
// from it (the object typed as served, its PartialObjectMetadata), are computed the first
// time a reader asks and then reused by every other watcher of that event and every GET of
// that version. The memos are keyed by the version object itself (a new resourceVersion is a
// new object) in WeakMaps, so they leave memory with the version: once the cache has dropped
// it from its objects and its history and no response still holds it.
//
// Only sealed values are memoised: anything else (objects read from etcd without the cache,
// objects being written) is encoded per request as before.

const sealed = new WeakSet<object>();
const encodings = new WeakMap<object, string>();
const views = new WeakMap<object, Map<string, object>>();

function deepFreeze(value: unknown): void {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
}

/** Deep-freezes `value` and marks it as one immutable version whose encodings may be shared. */
export function seal<T extends object>(value: T): T {
  deepFreeze(value);
  sealed.add(value);
  return value;
}

export function isSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && sealed.has(value);
}

/**
 * A view of a version (`variant` names the transformation, with anything it depends on),
 * made once per version and sealed; made afresh each time when `source` is not sealed.
 */
export function viewOf<S extends object, V extends object>(source: S, variant: string, make: (s: S) => V): V {
  if (!sealed.has(source)) return make(source);
  let known = views.get(source);
  if (!known) {
    known = new Map();
    views.set(source, known);
  }
  let view = known.get(variant) as V | undefined;
  if (!view) {
    view = seal(make(source));
    known.set(variant, view);
  }
  return view;
}

/** JSON.stringify(value), byte for byte, reusing the encoding of sealed versions. */
export function encodeJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (sealed.has(value)) {
    let text = encodings.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      encodings.set(value, text);
    }
    return text;
  }
  if (!Array.isArray(value)) {
    // A list: its items are versions, its own few fields are encoded as usual.
    const keys = Object.keys(value);
    const items = (value as { items?: unknown }).items;
    if (
      keys.at(-1) === 'items' &&
      Array.isArray(items) &&
      items.length > 0 &&
      sealed.has(items[0]) &&
      typeof (value as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      const { items: _items, ...head } = value as Record<string, unknown>;
      const open = JSON.stringify(head).slice(0, -1);
      return `${open}${open === '{' ? '' : ','}"items":[${items.map(encodeItem).join(',')}]}`;
    }
  }
  return JSON.stringify(value);
}

/** An array element as JSON.stringify writes it (undefined and functions become null). */
function encodeItem(item: unknown): string {
  return item === undefined || typeof item === 'function' || typeof item === 'symbol'
    ? 'null'
    : encodeJson(item);
}
