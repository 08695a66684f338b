// Patch documents applied to a JSON object: RFC 6902 JSON Patch, RFC 7386 JSON Merge
// Patch, and strategic merge patch for our kinds — a merge patch in which lists the
// schema declares as maps (x-kubernetes-list-map-keys) merge item by item by key and
// `$patch: delete` removes an item, as kubectl expects. Pure; a patch that cannot apply
// is a 400 BadRequest StatusError. Member names in a patch are data: they are read and
// written as own members only (ownkeys.ts), so `__proto__` reaches no prototype.

import { isObject } from '../../object.ts';
import type { Schema } from '../schema.ts';
import { errors } from './errors.ts';
import { hasOwnKey, ownValue, setOwn } from './ownkeys.ts';

type JsonObject = Record<string, unknown>;

const isJsonObject = (value: unknown): value is JsonObject => isObject(value);

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, mergePatch(ownValue(out, key), value));
  }
  return out;
}

export function strategicMergePatch(target: unknown, patch: unknown, schema: Schema | undefined): unknown {
  if (Array.isArray(patch) && schema?.['x-kubernetes-list-map-keys'] && Array.isArray(target)) {
    const keys = schema['x-kubernetes-list-map-keys'];
    const id = (item: unknown) =>
      JSON.stringify(keys.map((k) => (isJsonObject(item) ? ownValue(item, k) : undefined)));
    const out = target.map((item) => structuredClone(item));
    for (const item of patch) {
      const index = out.findIndex((existing) => id(existing) === id(item));
      if (isJsonObject(item) && item.$patch === 'delete') {
        if (index >= 0) out.splice(index, 1);
      } else if (index >= 0) {
        out[index] = strategicMergePatch(out[index], item, schema.items);
      } else {
        out.push(structuredClone(item));
      }
    }
    return out;
  }
  if (!isJsonObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    const child = (ownValue(schema?.properties, key) as Schema | undefined) ?? schema?.additionalProperties;
    if (value === null) delete out[key];
    else setOwn(out, key, strategicMergePatch(ownValue(out, key), value, child));
  }
  return out;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw errors.badRequest(
      `the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`,
    );
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The array index a pointer token names (canonical decimal only), or -1. */
function arrayIndex(token: string): number {
  return /^(0|[1-9][0-9]{0,8})$/.test(token) ? Number(token) : -1;
}

/** The member `token` of an array (an index) or an object (an own member). */
function member(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return node[arrayIndex(token)];
  return isJsonObject(node) ? ownValue(node, token) : undefined;
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: unknown; last: string } {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    node = member(node, token);
    if (node === undefined)
      throw errors.badRequest(
        `the server rejected our request due to an error in our request: doc is missing path: "${path}"`,
      );
  }
  return { parent: node, last: tokens.at(-1) as string };
}

function get(doc: unknown, path: string): unknown {
  let node = doc;
  for (const token of pointer(path)) {
    node = member(node, token);
    if (node === undefined)
      throw errors.badRequest(
        `the server rejected our request due to an error in our request: doc is missing path: "${path}"`,
      );
  }
  return node;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = arrayIndex(last);
    if (i < 0 || i >= parent.length)
      throw errors.badRequest(
        `the server rejected our request due to an error in our request: Unable to remove nonexistent key: ${last}: missing value`,
      );
    return parent.splice(i, 1)[0];
  }
  if (!isJsonObject(parent) || !hasOwnKey(parent, last))
    throw errors.badRequest(
      `the server rejected our request due to an error in our request: Unable to remove nonexistent key: ${last}: missing value`,
    );
  const old = parent[last];
  delete parent[last];
  return old;
}

function add(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : arrayIndex(last);
    if (i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw errors.badRequest(
        `the server rejected our request due to an error in our request: index out of range: ${last}`,
      );
    }
    parent.splice(i, replace ? 1 : 0, value);
  } else if (isJsonObject(parent)) {
    if (replace && !hasOwnKey(parent, last))
      throw errors.badRequest(
        `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${path}: missing value`,
      );
    setOwn(parent, last, value);
  } else {
    throw errors.badRequest(
      `the server rejected our request due to an error in our request: doc is missing path: "${path}"`,
    );
  }
  return doc;
}

export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw errors.badRequest(
      'the server rejected our request due to an error in our request: json patch must be an array of operations',
    );
  let doc = structuredClone(target);
  for (const raw of patch as Operation[]) {
    if (!isJsonObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw errors.badRequest(
        'the server rejected our request due to an error in our request: each json patch operation needs op and path',
      );
    }
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, structuredClone(raw.value), false);
        break;
      case 'replace':
        doc = add(doc, raw.path, structuredClone(raw.value), true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move': {
        const value = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, value, false);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, structuredClone(get(doc, raw.from ?? '')), false);
        break;
      case 'test':
        if (JSON.stringify(get(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw errors.badRequest(
            `the server rejected our request due to an error in our request: testing value ${raw.path} failed: test failed`,
          );
        }
        break;
      default:
        throw errors.badRequest(
          `the server rejected our request due to an error in our request: Unexpected kind: ${raw.op}`,
        );
    }
  }
  return doc;
}
