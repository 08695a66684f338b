// The rules of ProjectService a schema cannot state: quantities that must be positive,
// health checks naming a declared port, unique port numbers, config size. Runs after
// defaulting and the schema's own checks.

import { parseQuantity } from '../../../../../common/quantity.ts';
import * as field from '../../field.ts';
import { configKey } from '../../formats.ts';
import type { ProjectServiceSpec } from './types.ts';

/** A ConfigMap holds at most 1 MiB; the files become one. */
export const CONFIG_FILES_MAX_BYTES = 1024 * 1024;

function positiveQuantity(
  path: field.FieldPath,
  value: string | undefined,
  errors: field.FieldError[],
): void {
  if (value === undefined) return;
  try {
    if (parseQuantity(value) <= 0) errors.push(field.invalid(path, value, 'must be greater than 0'));
  } catch {
    // the schema's format check has reported it
  }
}

export function validateProjectServiceSpec(
  spec: ProjectServiceSpec,
  path = new field.FieldPath('spec'),
): field.FieldError[] {
  const errors: field.FieldError[] = [];
  positiveQuantity(path.child('resources').child('cpu'), spec.resources?.cpu, errors);
  positiveQuantity(path.child('resources').child('memory'), spec.resources?.memory, errors);
  positiveQuantity(path.child('hardware').child('localDisk'), spec.hardware?.localDisk, errors);

  const numbers = new Set<string>();
  for (const [i, port] of (spec.ports ?? []).entries()) {
    const id = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (numbers.has(id)) errors.push(field.duplicate(path.child('ports').index(i).child('port'), port.port));
    numbers.add(id);
  }

  const config = spec.config;
  if (config?.files) {
    let bytes = 0;
    for (const [name, content] of Object.entries(config.files)) {
      for (const p of configKey(name))
        errors.push(field.invalid(path.child('config').child('files'), name, p));
      bytes += Buffer.byteLength(name) + Buffer.byteLength(content);
    }
    if (bytes > CONFIG_FILES_MAX_BYTES)
      errors.push(field.tooLong(path.child('config').child('files'), CONFIG_FILES_MAX_BYTES));
  }

  const check = spec.healthCheck;
  if (check) {
    const p = path.child('healthCheck');
    const kinds = [check.http, check.tcp].filter((k) => k !== undefined).length;
    if (kinds !== 1)
      errors.push(
        field.invalid(p, kinds === 0 ? 'none' : 'http and tcp', 'must specify exactly one of http or tcp'),
      );
    const declared = new Set((spec.ports ?? []).map((port) => port.name));
    for (const [kind, probe] of [
      ['http', check.http],
      ['tcp', check.tcp],
    ] as const) {
      if (probe && !declared.has(probe.port)) {
        errors.push(field.invalid(p.child(kind).child('port'), probe.port, 'must name one of spec.ports'));
      }
    }
  }
  return errors;
}
