// Field ownership (metadata.managedFields) and server-side apply, for our kinds: which
// manager set which field, conflicts when an applier would change a field another manager
// owns, and removal of fields an applier stops applying. Field sets use the FieldsV1 format
// kubectl shows (`f:spec`, `k:{"name":"http"}`, `.`). Tracked fields: metadata.labels,
// metadata.annotations, spec and status. Lists the schema keys
// (x-kubernetes-list-map-keys) are owned item by item; other lists and scalars are leaves.
// Pure; conflicts are 409 Conflict StatusErrors listing the fields, as kube-apiserver's.
// Field names in objects and in client-sent fieldsV1 are data: own members only (ownkeys.ts).

import { isObject } from '../../object.ts';
import { metaTime } from '../../time.ts';
import { declaredField, type Schema } from '../schema.ts';
import { errors } from './errors.ts';
import { hasOwnKey, ownValue, setOwn } from './ownkeys.ts';
import type { ManagedFieldsEntry, TypedObject } from './types.ts';

type Json = Record<string, unknown>;
type Path = string[];

const SEP = '\n';

const isJsonObject = (value: unknown): value is Json => isObject(value);

function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  return declaredField(schema, key) ?? schema?.additionalProperties;
}

function itemKey(schema: Schema | undefined, item: unknown): string | undefined {
  const keys = schema?.['x-kubernetes-list-map-keys'];
  if (!keys || schema?.['x-kubernetes-list-type'] !== 'map' || !isJsonObject(item)) return undefined;
  return `k:${JSON.stringify(Object.fromEntries(keys.map((k) => [k, ownValue(item, k)])))}`;
}

function collect(value: unknown, schema: Schema | undefined, prefix: Path, out: Set<string>): void {
  if (isJsonObject(value) && schema && (schema.properties || schema.additionalProperties)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.add(prefix.join(SEP));
    for (const [k, v] of entries) collect(v, childSchema(schema, k), [...prefix, `f:${k}`], out);
    return;
  }
  if (Array.isArray(value) && schema?.['x-kubernetes-list-type'] === 'map') {
    for (const item of value) {
      const key = itemKey(schema, item);
      if (!key) continue;
      out.add([...prefix, key].join(SEP));
      collect(item, schema.items, [...prefix, key], out);
    }
    return;
  }
  out.add(prefix.join(SEP));
}

/** The tracked field paths an object (or an applied configuration) sets. */
export function fieldPaths(object: Json, schema: Schema, subresource: '' | 'status' = ''): Set<string> {
  const out = new Set<string>();
  const props = schema.properties ?? {};
  if (subresource === 'status') {
    if (object.status !== undefined) collect(object.status, props.status, ['f:status'], out);
    return out;
  }
  const meta = isJsonObject(object.metadata) ? object.metadata : {};
  const metaSchema = props.metadata;
  for (const key of ['labels', 'annotations']) {
    if (isJsonObject(meta[key]))
      collect(meta[key], childSchema(metaSchema, key), ['f:metadata', `f:${key}`], out);
  }
  if (object.spec !== undefined) collect(object.spec, props.spec, ['f:spec'], out);
  return out;
}

/** FieldsV1 JSON of a set of paths. */
export function encodeFields(paths: Set<string>): Json {
  const root: Json = {};
  for (const path of paths) {
    let node = root;
    const segments = path.split(SEP);
    for (const [i, seg] of segments.entries()) {
      const existing = ownValue(node, seg);
      const child: Json = isJsonObject(existing) ? existing : {};
      setOwn(node, seg, child);
      node = child;
      if (i === segments.length - 1 && Object.keys(node).length > 0) node['.'] = {};
    }
  }
  // A member that gained children after it was added as a leaf is marked with ".".
  const mark = (node: Json, prefix: Path) => {
    for (const [seg, child] of Object.entries(node)) {
      if (seg === '.' || !isJsonObject(child)) continue;
      const here = [...prefix, seg];
      if (Object.keys(child).length > 0 && paths.has(here.join(SEP))) child['.'] = {};
      mark(child, here);
    }
  };
  mark(root, []);
  return root;
}

export function decodeFields(fields: Json | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (node: Json, prefix: Path) => {
    const children = Object.entries(node).filter(([k]) => k !== '.');
    if (ownValue(node, '.') !== undefined || children.length === 0) {
      if (prefix.length > 0) out.add(prefix.join(SEP));
    }
    for (const [seg, child] of children) if (isJsonObject(child)) walk(child, [...prefix, seg]);
  };
  walk(fields ?? {}, []);
  return out;
}

/** The key of a `k:{...}` segment; a client-sent fieldsV1 may hold anything there. */
function itemKeyOf(seg: string): Json | undefined {
  try {
    const key = JSON.parse(seg.slice(2)) as unknown;
    return isJsonObject(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

function hasKey(item: unknown, key: Json): boolean {
  return isJsonObject(item) && Object.entries(key).every(([k, v]) => ownValue(item, k) === v);
}

function navigate(object: unknown, path: Path): { found: boolean; value: unknown } {
  let node: unknown = object;
  for (const seg of path) {
    if (seg.startsWith('f:')) {
      if (!isJsonObject(node) || !hasOwnKey(node, seg.slice(2))) return { found: false, value: undefined };
      node = node[seg.slice(2)];
    } else if (seg.startsWith('k:')) {
      const key = itemKeyOf(seg);
      const item = Array.isArray(node) && key ? node.find((i) => hasKey(i, key)) : undefined;
      if (item === undefined) return { found: false, value: undefined };
      node = item;
    } else return { found: false, value: undefined };
  }
  return { found: true, value: node };
}

function removeAt(object: unknown, path: Path): void {
  const parent = navigate(object, path.slice(0, -1));
  const last = path.at(-1) as string;
  if (!parent.found) return;
  if (last.startsWith('f:') && isJsonObject(parent.value) && hasOwnKey(parent.value, last.slice(2)))
    delete parent.value[last.slice(2)];
  if (last.startsWith('k:') && Array.isArray(parent.value)) {
    const key = itemKeyOf(last);
    const index = key ? parent.value.findIndex((i) => hasKey(i, key)) : -1;
    if (index >= 0) parent.value.splice(index, 1);
  }
}

/** Applied configuration merged into the live object: objects by field, keyed lists by key. */
export function mergeApplied(live: unknown, applied: unknown, schema: Schema | undefined): unknown {
  if (
    isJsonObject(applied) &&
    isJsonObject(live) &&
    schema &&
    (schema.properties || schema.additionalProperties)
  ) {
    const out: Json = { ...live };
    for (const [k, v] of Object.entries(applied))
      setOwn(out, k, mergeApplied(ownValue(live, k), v, childSchema(schema, k)));
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && schema?.['x-kubernetes-list-type'] === 'map') {
    const out = live.map((i) => structuredClone(i));
    for (const item of applied) {
      const key = itemKey(schema, item);
      const index = out.findIndex((i) => itemKey(schema, i) === key);
      if (index >= 0) out[index] = mergeApplied(out[index], item, schema.items);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(applied);
}

function shown(path: string): string {
  return `.${path
    .split(SEP)
    .map((s) => (s.startsWith('f:') ? s.slice(2) : `[${s.slice(2)}]`))
    .join('.')
    .replace(/\.\[/g, '[')}`;
}

interface Owned {
  entry: ManagedFieldsEntry;
  paths: Set<string>;
}

function owned(entries: readonly ManagedFieldsEntry[] | undefined): Owned[] {
  return (entries ?? []).map((entry) => ({ entry, paths: decodeFields(entry.fieldsV1) }));
}

function entry(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  paths: Set<string>,
  subresource: string,
  now: string,
): ManagedFieldsEntry {
  return {
    manager,
    operation,
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFields(paths),
    ...(subresource ? { subresource } : {}),
  };
}

function sameManager(
  e: ManagedFieldsEntry,
  manager: string,
  operation: string,
  subresource: string,
): boolean {
  return e.manager === manager && e.operation === operation && (e.subresource ?? '') === subresource;
}

/**
 * Ownership after a non-apply write: fields the write changed or added move to `manager`
 * (operation Update); removed fields are no longer anyone's.
 */
export function updateManagedFields(
  before: Json | undefined,
  after: Json,
  previous: readonly ManagedFieldsEntry[] | undefined,
  manager: string,
  apiVersion: string,
  schema: Schema,
  subresource: '' | 'status' | 'scale',
  now = metaTime(new Date()),
): ManagedFieldsEntry[] {
  // Every tracked field, main resource and status alike: a status write must keep spec owners.
  const all = (o: Json) => new Set([...fieldPaths(o, schema, ''), ...fieldPaths(o, schema, 'status')]);
  const afterPaths = all(after);
  const beforePaths = before ? all(before) : new Set<string>();
  const changed = new Set(
    [...afterPaths].filter((p) => {
      if (!beforePaths.has(p)) return true;
      const a = navigate(after, p.split(SEP));
      const b = navigate(before, p.split(SEP));
      return JSON.stringify(a.value) !== JSON.stringify(b.value);
    }),
  );
  const result: ManagedFieldsEntry[] = [];
  let mine = new Set<string>();
  for (const o of owned(previous)) {
    const kept = new Set([...o.paths].filter((p) => afterPaths.has(p) && !changed.has(p)));
    if (sameManager(o.entry, manager, 'Update', subresource)) {
      mine = kept;
      continue;
    }
    if (kept.size > 0) result.push({ ...o.entry, fieldsV1: encodeFields(kept) });
  }
  for (const p of changed) mine.add(p);
  if (mine.size > 0) result.push(entry(manager, 'Update', apiVersion, mine, subresource, now));
  return result;
}

export interface ApplyResult<T> {
  object: T;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `applied` (an apply configuration) by `manager` onto `live`
 * (undefined when creating). 409 Conflict listing every conflicting field unless `force`.
 */
export function apply<T extends TypedObject<unknown, unknown>>(
  live: T | undefined,
  applied: Json,
  manager: string,
  force: boolean,
  apiVersion: string,
  schema: Schema,
  subresource: '' | 'status',
  target: { group: string; resource: string; name: string },
  now = metaTime(new Date()),
): ApplyResult<T> {
  const appliedPaths = fieldPaths(applied, schema, subresource);
  const entries = owned(live?.metadata.managedFields);
  const mine = entries.find((o) => sameManager(o.entry, manager, 'Apply', subresource));
  const conflicts: Array<{ path: string; manager: string }> = [];
  if (live) {
    for (const o of entries) {
      if (o === mine) continue;
      for (const p of appliedPaths) {
        if (!o.paths.has(p)) continue;
        const segs = p.split(SEP);
        if (segs.at(-1)?.startsWith('k:')) continue;
        const current = navigate(live, segs);
        const wanted = navigate(applied, segs);
        if (current.found && JSON.stringify(current.value) !== JSON.stringify(wanted.value)) {
          conflicts.push({ path: p, manager: o.entry.manager ?? '' });
        }
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const error = errors.conflict(
      target,
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts
        .map((c) => `conflict with "${c.manager}": ${shown(c.path)}`)
        .join('\n')}`,
    );
    error.status.details = {
      ...error.status.details,
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}"`,
        field: shown(c.path),
      })),
    };
    throw error;
  }
  const forced = new Set(conflicts.map((c) => c.path));
  const object = structuredClone(live ?? ({} as T)) as unknown as Json;
  // Fields this manager applied before and applies no longer: removed, unless someone else owns them.
  const ownedByAnyone = (prefix: string) =>
    [appliedPaths, ...entries.filter((o) => o !== mine).map((o) => o.paths)].some((set) =>
      [...set].some((q) => q === prefix || q.startsWith(`${prefix}${SEP}`)),
    );
  for (const p of mine?.paths ?? []) {
    if (ownedByAnyone(p)) continue;
    removeAt(object, p.split(SEP));
    // Parents nobody owns anything under go too (defaulted fields are nobody's), below spec/status.
    const segs = p.split(SEP);
    for (let depth = segs.length - 1; depth >= 2; depth--) {
      const parent = segs.slice(0, depth).join(SEP);
      if (ownedByAnyone(parent)) break;
      removeAt(object, segs.slice(0, depth));
    }
  }
  const { apiVersion: _a, kind: _k, metadata: appliedMeta, ...appliedRest } = applied;
  const labelsAndAnnotations = isJsonObject(appliedMeta)
    ? { labels: appliedMeta.labels, annotations: appliedMeta.annotations }
    : {};
  const metaSchema = schema.properties?.metadata;
  const liveMeta = isJsonObject(object.metadata) ? object.metadata : {};
  for (const key of ['labels', 'annotations'] as const) {
    if (subresource === '' && isJsonObject(labelsAndAnnotations[key])) {
      liveMeta[key] = mergeApplied(
        liveMeta[key] ?? {},
        labelsAndAnnotations[key],
        childSchema(metaSchema, key),
      );
    }
  }
  object.metadata = liveMeta;
  for (const [k, v] of Object.entries(appliedRest)) {
    if (subresource === 'status' ? k !== 'status' : k === 'status') continue;
    setOwn(object, k, mergeApplied(ownValue(object, k), v, declaredField(schema, k)));
  }
  if (!live) {
    object.apiVersion = applied.apiVersion;
    object.kind = applied.kind;
    if (isJsonObject(appliedMeta)) object.metadata = { ...appliedMeta, ...liveMeta };
  }
  const managedFields: ManagedFieldsEntry[] = [];
  for (const o of entries) {
    if (o === mine) continue;
    const kept = new Set([...o.paths].filter((p) => !forced.has(p) && navigate(object, p.split(SEP)).found));
    if (kept.size > 0) managedFields.push({ ...o.entry, fieldsV1: encodeFields(kept) });
  }
  managedFields.push(entry(manager, 'Apply', apiVersion, appliedPaths, subresource, now));
  return { object: object as unknown as T, managedFields };
}
