// What `deploy` and `update` send: exactly the fields the user gave, merged over the fields
// this field manager already owns, so a server-side apply under our manager changes only
// what was given and never drops what an earlier run set. Fields owned by others (e.g.
// spec.replicas after the scaling controller scaled through the scale subresource) are never
// sent, so a deploy without --replicas cannot undo an autoscaler. Pure.

import type { ProjectServiceSpec } from '../../../common/apis/apps/v1alpha1/types.ts';
import { apiVersionOf, PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import { isObject as isRecord } from '../../../common/object.ts';

export type Spec = Partial<ProjectServiceSpec>;

interface ManagedFields {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
}

export interface Current {
  metadata: { generation?: number; managedFields?: ManagedFields[] };
  spec?: Record<string, unknown>;
}

/** The spec fields (one level of sub-fields deep) that `manager` set by apply. */
export function ownedSpec(current: Current | undefined, manager: string): Spec {
  const out: Record<string, unknown> = {};
  const spec = current?.spec ?? {};
  for (const entry of current?.metadata.managedFields ?? []) {
    if (entry.manager !== manager || entry.operation !== 'Apply' || entry.subresource) continue;
    const fields = entry.fieldsV1?.['f:spec'];
    if (!isRecord(fields)) continue;
    for (const [fkey, sub] of Object.entries(fields)) {
      if (!fkey.startsWith('f:')) continue;
      const key = fkey.slice(2);
      if (!Object.hasOwn(spec, key)) continue;
      const value = spec[key];
      const subKeys = isRecord(sub) ? Object.keys(sub).filter((k) => k.startsWith('f:')) : [];
      if (isRecord(value) && subKeys.length > 0) {
        const picked: Record<string, unknown> = {};
        for (const k of subKeys) if (Object.hasOwn(value, k.slice(2))) picked[k.slice(2)] = value[k.slice(2)];
        out[key] = picked;
      } else out[key] = value;
    }
  }
  return out as Spec;
}

/** `given` over `owned`: env merges by name, config files by file name, objects by field. */
export function mergeSpec(owned: Spec, given: Spec): Spec {
  const spec: Record<string, unknown> = { ...owned };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const before = spec[key];
    if (key === 'env' && Array.isArray(before) && Array.isArray(value)) {
      const byName = new Map<string, unknown>();
      for (const e of [...before, ...value] as { name: string }[]) byName.set(e.name, e);
      spec.env = [...byName.values()];
    } else if (key === 'config' && isRecord(before) && isRecord(value)) {
      spec.config = {
        ...before,
        ...value,
        ...(isRecord(before.files) || isRecord(value.files)
          ? { files: { ...(before.files as object), ...(value.files as object) } }
          : {}),
      };
    } else if ((key === 'resources' || key === 'hardware') && isRecord(before) && isRecord(value)) {
      spec[key] = { ...before, ...value };
    } else spec[key] = value;
  }
  return spec as Spec;
}

/** The apply-patch body for a ProjectService. */
export function applyBody(namespace: string, name: string, spec: Spec) {
  return {
    apiVersion: apiVersionOf(PROJECT_SERVICES),
    kind: PROJECT_SERVICES.kind,
    metadata: { name, namespace },
    spec,
  };
}
