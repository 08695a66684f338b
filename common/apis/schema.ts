// The structural OpenAPI v3 schema dialect every kind is written in, and the three things
// the server does with one: prune unknown fields (reporting them for fieldValidation),
// apply `default`s, and check the value against the schema with Kubernetes field errors.
// The same schema objects are published in /openapi/v2 and /openapi/v3, so docs, defaults
// and validation cannot disagree. Semantic rules a schema cannot state live beside each
// kind (validation.ts); nothing here knows a particular kind.

import { isObject } from '../object.ts';
import * as field from './field.ts';
import { FORMATS } from './formats.ts';
import { ownValue, PROTOTYPE_KEYS, setOwn } from './meta/ownkeys.ts';

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  required?: readonly string[];
  items?: Schema;
  enum?: readonly (string | number | boolean)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: readonly string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
}

/** The schema of the declared field `key` (own properties only: `constructor` is no field). */
export function declaredField(schema: Schema | undefined, key: string): Schema | undefined {
  return ownValue(schema?.properties, key) as Schema | undefined;
}

export interface PruneResult<T> {
  value: T;
  /** Paths of fields the schema does not know, in document order (`spec.hostNetwork`). */
  unknown: string[];
  /**
   * Paths of `__proto__`, `constructor` or `prototype` members where the schema allows no
   * data of that name (not a map, not preserved): refused outright, never pruned silently.
   */
  refused: string[];
}

/** A copy of `value` without the fields `schema` does not declare. */
export function prune(schema: Schema, value: unknown, path = new field.FieldPath()): PruneResult<unknown> {
  const unknown: string[] = [];
  const refused: string[] = [];
  const walk = (s: Schema, v: unknown, p: field.FieldPath): unknown => {
    if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return v;
    if (Array.isArray(v)) return s.items ? v.map((item, i) => walk(s.items as Schema, item, p.index(i))) : v;
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(v)) {
      const declared = declaredField(s, key);
      if (declared) setOwn(out, key, walk(declared, child, p.child(key)));
      else if (s.additionalProperties) setOwn(out, key, walk(s.additionalProperties, child, p.key(key)));
      else if (s['x-kubernetes-preserve-unknown-fields'] || !s.properties) setOwn(out, key, child);
      else if (PROTOTYPE_KEYS.has(key)) refused.push(p.child(key).text);
      else unknown.push(p.child(key).text);
    }
    return out;
  };
  return { value: walk(schema, value, path), unknown, refused };
}

/** Fills in the schema's defaults, in place, wherever the parent object exists. */
export function applyDefaults(schema: Schema, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(schema.items, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (ownValue(value, key) === undefined && child.default !== undefined)
      setOwn(value, key, structuredClone(child.default));
    if (ownValue(value, key) !== undefined) applyDefaults(child, value[key]);
  }
  if (schema.additionalProperties) {
    for (const child of Object.values(value)) applyDefaults(schema.additionalProperties, child);
  }
}

function typeName(schema: Schema): string {
  return schema.type === 'integer' ? 'integer' : (schema.type ?? 'any');
}

function hasType(schema: Schema, value: unknown): boolean {
  if (value === null) return schema.nullable === true;
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (schema.type) {
    case undefined:
      return true;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeof value === schema.type;
  }
}

/** Everything in `value` that breaks `schema`, with field paths from `path`. */
export function validate(schema: Schema, value: unknown, path = new field.FieldPath()): field.FieldError[] {
  const errors: field.FieldError[] = [];
  const walk = (s: Schema, v: unknown, p: field.FieldPath): void => {
    if (!hasType(s, v)) {
      errors.push(field.typeInvalid(p, v, typeName(s)));
      return;
    }
    if (v === null) return;
    if (s.enum && !s.enum.includes(v as string | number | boolean)) {
      errors.push(field.notSupported(p, v, s.enum));
      return;
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
        errors.push(
          field.invalid(p, v, `must be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`),
        );
      }
      if (s.maximum !== undefined && v > s.maximum) {
        errors.push(field.invalid(p, v, `must be less than or equal to ${s.maximum}`));
      }
    }
    if (typeof v === 'string') {
      if (s.maxLength !== undefined && v.length > s.maxLength) errors.push(field.tooLong(p, s.maxLength));
      else if (s.minLength !== undefined && v.length < s.minLength) {
        errors.push(
          s.minLength === 1
            ? field.required(p)
            : field.invalid(p, v, `must be at least ${s.minLength} characters`),
        );
      } else if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) {
        errors.push(field.invalid(p, v, `must match the regular expression '${s.pattern}'`));
      } else if (s.format !== undefined && v !== '') {
        const check = FORMATS[s.format];
        for (const problem of check ? check(v) : []) errors.push(field.invalid(p, v, problem));
      }
    }
    if (Array.isArray(v)) {
      if (s.maxItems !== undefined && v.length > s.maxItems)
        errors.push(field.tooMany(p, v.length, s.maxItems));
      if (s.minItems !== undefined && v.length < s.minItems) {
        errors.push(field.required(p, `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`));
      }
      const keys = s['x-kubernetes-list-map-keys'];
      const seen = new Set<string>();
      for (const [i, item] of v.entries()) {
        if (s.items) walk(s.items, item, p.index(i));
        if (keys && isObject(item)) {
          const id = JSON.stringify(keys.map((k) => ownValue(item, k)));
          if (seen.has(id))
            errors.push(
              field.duplicate(p.index(i), Object.fromEntries(keys.map((k) => [k, ownValue(item, k)]))),
            );
          seen.add(id);
        } else if (s['x-kubernetes-list-type'] === 'set') {
          const id = JSON.stringify(item);
          if (seen.has(id)) errors.push(field.duplicate(p.index(i), item));
          seen.add(id);
        }
      }
    }
    if (isObject(v)) {
      for (const name of s.required ?? []) {
        if (ownValue(v, name) === undefined) errors.push(field.required(p.child(name)));
      }
      if (s.maxProperties !== undefined && Object.keys(v).length > s.maxProperties) {
        errors.push(field.tooMany(p, Object.keys(v).length, s.maxProperties));
      }
      for (const [key, child] of Object.entries(v)) {
        if (child === undefined) continue;
        const declared = declaredField(s, key);
        if (declared) walk(declared, child, p.child(key));
        else if (s.additionalProperties) walk(s.additionalProperties, child, p.key(key));
      }
    }
  };
  walk(schema, value, path);
  return errors;
}

/** Every property path a schema declares (`spec.ports[].port`), for docs and drift tests. */
export function propertyPaths(schema: Schema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const here = prefix === '' ? key : `${prefix}.${key}`;
    out.push(here);
    if (child.type === 'array' && child.items) out.push(...propertyPaths(child.items, `${here}[]`));
    else out.push(...propertyPaths(child, here));
  }
  return out;
}
