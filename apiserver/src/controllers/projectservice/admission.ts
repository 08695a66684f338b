// Admission checks that follow from how the controller realises a ProjectService, so the
// API server can refuse at create/update (422) what would otherwise fail half-way: a pod the
// Deployment API or the container runtime rejects, a probe that can never pass. They add to
// apis/apps/v1alpha1/validation.ts and repeat none of it (it checks port clashes, config
// keys and size, probe port names, positive quantities). Pure; the spec is already defaulted
// and schema-valid. Warnings do not refuse anything; they become Warning headers.

import { parseQuantity } from '../../../../common/quantity.ts';
import type { ProjectServiceSpec } from '../../apis/apps/v1alpha1/types.ts';
import * as field from '../../apis/field.ts';
import { DATA_MOUNT_PATH } from './pod.ts';

export interface Findings {
  errors: field.FieldError[];
  warnings: string[];
}

export function checkRealisable(spec: ProjectServiceSpec, path = new field.FieldPath('spec')): Findings {
  const errors: field.FieldError[] = [];
  const warnings: string[] = [];
  const hardware = path.child('hardware');

  const disk = spec.hardware?.localDisk;
  const diskBytes = quantity(disk);
  if (disk !== undefined && diskBytes !== undefined && !Number.isInteger(diskBytes)) {
    // It becomes the extended resource kubehpc.dev/local-disk, and extended resources are whole numbers.
    errors.push(field.invalid(hardware.child('localDisk'), disk, 'must be a whole number of bytes'));
  }

  const mountPath = spec.config?.mountPath;
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
  for (const [kind, probe] of [
    ['http', check?.http],
    ['tcp', check?.tcp],
  ] as const) {
    const port = probe && spec.ports?.find((p) => p.name === probe.port);
    if (port && (port.protocol ?? 'TCP') !== 'TCP') {
      errors.push(
        field.invalid(
          path.child('healthCheck').child(kind).child('port'),
          probe.port,
          `must name a TCP port: ${kind} checks connect over TCP and port ${port.name} is ${port.protocol}`,
        ),
      );
    }
  }

  if (spec.hardware?.numa === 'SingleNode') {
    const cpu = quantity(spec.resources?.cpu);
    if (cpu === undefined || spec.resources?.memory === undefined) {
      warnings.push(
        'spec.hardware.numa: SingleNode without spec.resources.cpu and memory: only VFs are kept on one NUMA node, and the kubelet cannot pin CPUs or memory of a pod that requests none',
      );
    } else if (!Number.isInteger(cpu)) {
      warnings.push(
        `spec.resources.cpu: ${spec.resources?.cpu} is not a whole number of CPUs: the kubelet pins CPUs to a NUMA node only for whole CPUs`,
      );
    }
  }
  return { errors, warnings };
}

function quantity(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined; // the schema's format check reports it
  }
}

/** `/a//b/` → `/a/b`; `.` segments dropped (the schema already refuses `..`). */
function normalisePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return `/${parts.join('/')}`;
}
