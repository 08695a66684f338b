// The rules of ProjectService a schema cannot state: quantities that must be positive (and
// local disk whole bytes, as it becomes an extended resource), health checks naming a declared
// TCP port, unique port numbers, config size and a config directory that hides neither the
// image nor the local disk. They refuse at admission (422) what the controller could only
// half-build. Warnings refuse nothing; they become Warning headers. Runs after defaulting and
// the schema's own checks.

import { DATA_MOUNT_PATH } from '../../../names.ts';
import { parseQuantity } from '../../../quantity.ts';
import * as field from '../../field.ts';
import { configKey } from '../../formats.ts';
import { validateExposure } from './exposure.ts';
import { normalisePath, validateFields } from './fields-validation.ts';
import type { ProjectServiceSpec } from './types.ts';

/** A ConfigMap holds at most 1 MiB; the files become one. */
export const CONFIG_FILES_MAX_BYTES = 1024 * 1024;

function quantity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined; // the schema's format check has reported it
  }
}

function positiveQuantity(
  path: field.FieldPath,
  value: string | undefined,
  errors: field.FieldError[],
): void {
  const parsed = quantity(value);
  if (parsed !== undefined && parsed <= 0) errors.push(field.invalid(path, value, 'must be greater than 0'));
}

export function validateProjectServiceSpec(
  spec: ProjectServiceSpec,
  path = new field.FieldPath('spec'),
): field.FieldError[] {
  const errors: field.FieldError[] = [];
  positiveQuantity(path.child('resources').child('cpu'), spec.resources?.cpu, errors);
  positiveQuantity(path.child('resources').child('memory'), spec.resources?.memory, errors);
  const disk = spec.hardware?.localDisk;
  positiveQuantity(path.child('hardware').child('localDisk'), disk, errors);
  const diskBytes = quantity(disk);
  if (diskBytes !== undefined && diskBytes > 0 && !Number.isInteger(diskBytes)) {
    // It becomes the extended resource kubehpc.dev/local-disk, and extended resources are whole numbers.
    errors.push(
      field.invalid(path.child('hardware').child('localDisk'), disk, 'must be a whole number of bytes'),
    );
  }

  const numbers = new Set<string>();
  for (const [i, port] of (spec.ports ?? []).entries()) {
    const id = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (numbers.has(id)) errors.push(field.duplicate(path.child('ports').index(i).child('port'), port.port));
    numbers.add(id);
  }
  errors.push(...validateExposure(spec.ports ?? [], path.child('ports')));

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
  const mountPath = config?.mountPath;
  if (mountPath !== undefined) {
    const at = path.child('config').child('mountPath');
    const normal = normalisePath(mountPath);
    if (normal === '/') {
      errors.push(
        field.invalid(at, mountPath, 'must not be the root directory: the files would hide the image'),
      );
    } else if (disk !== undefined && normal === DATA_MOUNT_PATH) {
      errors.push(
        field.invalid(
          at,
          mountPath,
          `must differ from ${DATA_MOUNT_PATH}, where spec.hardware.localDisk is mounted`,
        ),
      );
    }
  }

  const check = spec.healthCheck;
  if (check) {
    const p = path.child('healthCheck');
    const kinds = [check.http, check.tcp].filter((k) => k !== undefined).length;
    if (kinds !== 1)
      errors.push(
        field.invalid(p, kinds === 0 ? 'none' : 'http and tcp', 'must specify exactly one of http or tcp'),
      );
    for (const [kind, probe] of [
      ['http', check.http],
      ['tcp', check.tcp],
    ] as const) {
      if (!probe) continue;
      const port = spec.ports?.find((declared) => declared.name === probe.port);
      if (!port) {
        errors.push(field.invalid(p.child(kind).child('port'), probe.port, 'must name one of spec.ports'));
      } else if ((port.protocol ?? 'TCP') !== 'TCP') {
        errors.push(
          field.invalid(
            p.child(kind).child('port'),
            probe.port,
            `must name a TCP port: ${kind} checks connect over TCP and port ${port.name} is ${port.protocol}`,
          ),
        );
      }
    }
  }
  errors.push(...validateFields(spec, path));
  return errors;
}

/** What is allowed but will not do what its author likely expects; for Warning headers. */
export function projectServiceWarnings(spec: ProjectServiceSpec): string[] {
  if (spec.hardware?.numa !== 'SingleNode') return [];
  const cpu = quantity(spec.resources?.cpu);
  if (cpu === undefined || spec.resources?.memory === undefined) {
    return [
      'spec.hardware.numa: SingleNode without spec.resources.cpu and memory: only VFs are kept on one NUMA node, and the kubelet cannot pin CPUs or memory of a pod that requests none',
    ];
  }
  if (!Number.isInteger(cpu)) {
    return [
      `spec.resources.cpu: ${spec.resources?.cpu} is not a whole number of CPUs: the kubelet pins CPUs to a NUMA node only for whole CPUs`,
    ];
  }
  return [];
}
