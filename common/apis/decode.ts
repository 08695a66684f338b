// From a request body to a typed, defaulted object, and the full validation of one: the
// pure part of create/update that every kind shares. Unknown fields are always dropped
// (as for a structural CRD); fieldValidation decides whether they are also an error
// (Strict) or a warning (Warn). Throws StatusError values from the catalogue.

import { isObject } from '../object.ts';
import { apiVersionOf, type KindDefinition } from './kind.ts';
import { errors } from './meta/errors.ts';
import type { TypedObject } from './meta/types.ts';
import { validateObjectMeta } from './meta/validation.ts';
import { applyDefaults, prune, validate } from './schema.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(value: string | undefined, fallback: FieldValidation): FieldValidation {
  if (value === undefined || value === '') return fallback;
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${value}"`);
}

export interface Decoded<T> {
  object: T;
  /** Warning texts for Warning headers (fieldValidation=Warn). */
  warnings: string[];
}

/** Checks the envelope, prunes unknown fields and applies schema defaults. */
export function decode<Spec, Status>(
  def: KindDefinition<Spec, Status>,
  body: unknown,
  mode: FieldValidation,
): Decoded<TypedObject<Spec, Status>> {
  if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON or YAML object');
  const expected = apiVersionOf(def);
  if (body.apiVersion === undefined || body.kind === undefined) {
    throw errors.badRequest(
      `Object '${body.kind === undefined ? 'Kind' : 'apiVersion'}' is missing in '${JSON.stringify(body).slice(0, 200)}'`,
    );
  }
  if (body.apiVersion !== expected) {
    throw errors.badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== def.kind) {
    throw errors.badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`,
    );
  }
  const { value, unknown, refused } = prune(def.schema, body);
  if (refused.length > 0) {
    throw errors.badRequest(
      `field names that name a prototype are not allowed: ${refused.map((path) => `"${path}"`).join(', ')}`,
    );
  }
  const warnings: string[] = [];
  if (unknown.length > 0) {
    const listed = unknown.map((path) => `unknown field "${path}"`);
    if (mode === 'Strict') throw errors.badRequest(`strict decoding error: ${listed.join(', ')}`);
    if (mode === 'Warn') warnings.push(...listed);
  }
  const object = value as Record<string, unknown>;
  if (!isObject(object.metadata)) object.metadata = {};
  applyDefaults(def.schema, object);
  return { object: object as unknown as TypedObject<Spec, Status>, warnings };
}

/**
 * Schema, metadata and semantic checks: a 422 Invalid with every cause, or the kind's
 * warnings about the (valid) spec.
 */
export function validateObject<Spec, Status>(
  def: KindDefinition<Spec, Status>,
  object: TypedObject<Spec, Status>,
): string[] {
  const causes = validate(def.schema, object);
  causes.push(...validateObjectMeta(object.metadata, def.nameFormat));
  // Semantic rules read typed fields, so they run only on a structurally valid spec.
  if (!causes.some((c) => c.field === 'spec' || c.field.startsWith('spec.'))) {
    causes.push(...def.validateSpec(object.spec));
  }
  if (causes.length > 0) {
    throw errors.invalid(def, object.metadata.name ?? object.metadata.generateName ?? '', causes);
  }
  return def.warnSpec?.(object.spec) ?? [];
}
