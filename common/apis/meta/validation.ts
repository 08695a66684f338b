// Semantic checks of ObjectMeta that every kind shares: name syntax (each kind says which),
// label and annotation keys and values, finalizer names, owner references.

import { isObject } from '../../object.ts';
import * as field from '../field.ts';
import { dns1123Subdomain, labelValue, qualifiedName } from '../formats.ts';
import type { ObjectMeta } from './types.ts';

const ANNOTATIONS_MAX_BYTES = 256 * 1024;

export function validateObjectMeta(
  meta: ObjectMeta,
  nameFormat: (name: string) => string[],
  path = new field.FieldPath('metadata'),
): field.FieldError[] {
  const errors: field.FieldError[] = [];
  if (!meta.name) {
    errors.push(field.required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const problem of nameFormat(meta.name))
      errors.push(field.invalid(path.child('name'), meta.name, problem));
  }
  // Maps of strings only: a wrong type is the schema's 422, not a crash here.
  const strings = (map: unknown) =>
    isObject(map) ? Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  for (const [key, value] of strings(meta.labels)) {
    for (const p of qualifiedName(key)) errors.push(field.invalid(path.child('labels'), key, p));
    for (const p of labelValue(value)) errors.push(field.invalid(path.child('labels').key(key), value, p));
  }
  let annotationBytes = 0;
  for (const [key, value] of strings(meta.annotations)) {
    for (const p of qualifiedName(key.toLowerCase()))
      errors.push(field.invalid(path.child('annotations'), key, p));
    annotationBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (annotationBytes > ANNOTATIONS_MAX_BYTES)
    errors.push(field.tooLong(path.child('annotations'), ANNOTATIONS_MAX_BYTES));
  for (const [i, finalizer] of (meta.finalizers ?? []).entries()) {
    for (const p of qualifiedName(finalizer))
      errors.push(field.invalid(path.child('finalizers').index(i), finalizer, p));
  }
  for (const [i, ref] of (meta.ownerReferences ?? []).entries()) {
    const p = path.child('ownerReferences').index(i);
    if (ref.uid === '') errors.push(field.invalid(p.child('uid'), ref.uid, 'uid must not be empty'));
    for (const problem of dns1123Subdomain(ref.name))
      errors.push(field.invalid(p.child('name'), ref.name, problem));
  }
  const controllers = (meta.ownerReferences ?? []).filter((r) => r.controller).length;
  if (controllers > 1) {
    errors.push(
      field.invalid(
        path.child('ownerReferences'),
        controllers,
        'Only one reference can have Controller set to true',
      ),
    );
  }
  return errors;
}
