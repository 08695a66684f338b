// What a ProjectService spec reaches outside itself, as the permissions its author must hold:
// `get` on each Secret, ConfigMap and PersistentVolumeClaim it names, and `use` on the
// placement (apps.kubehpc.dev/placements) named by each node-selector key and toleration key.
// The controller could read all of these for anyone, so admission asks RBAC about the
// requesting user instead (admission.ts). Pure.

import type { ProjectService } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import {
  APPS_GROUP,
  NODE_CLASS_LABEL,
  PLACEMENTS_RESOURCE,
  REAL_NODE_ANNOTATION,
  REAL_NODE_TAINT,
} from '../../../../../common/names.ts';

export interface Reference {
  verb: 'get' | 'use';
  group: string;
  resource: string;
  /** Empty: every object of the resource (a toleration of every taint). */
  name: string;
  /** The field that makes the reference, for messages. */
  field: string;
}

/** Identity of a reference whatever field makes it: an unchanged one is not checked again. */
export function referenceKey(r: Reference): string {
  return `${r.verb} ${r.group}/${r.resource} ${r.name}`;
}

/** `get secrets "db"`, `use placements.apps.kubehpc.dev "nvidia.com/gpu"`. */
export function describeReference(r: Reference): string {
  const resource = r.group ? `${r.resource}.${r.group}` : r.resource;
  return `${r.verb} ${resource}${r.name ? ` "${r.name}"` : ' (all)'}`;
}

const secret = (name: string, field: string): Reference => ({
  verb: 'get',
  group: '',
  resource: 'secrets',
  name,
  field,
});
const configMap = (name: string, field: string): Reference => ({
  verb: 'get',
  group: '',
  resource: 'configmaps',
  name,
  field,
});
const placement = (key: string, field: string): Reference => ({
  verb: 'use',
  group: APPS_GROUP,
  resource: PLACEMENTS_RESOURCE,
  name: key,
  field,
});

export function references(ps: ProjectService): Reference[] {
  const spec = ps.spec;
  const out: Reference[] = [];
  for (const [i, e] of (spec.env ?? []).entries()) {
    const at = `spec.env[${i}].valueFrom`;
    if (e.valueFrom?.secretKeyRef) out.push(secret(e.valueFrom.secretKeyRef.name, `${at}.secretKeyRef`));
    if (e.valueFrom?.configMapKeyRef)
      out.push(configMap(e.valueFrom.configMapKeyRef.name, `${at}.configMapKeyRef`));
  }
  for (const [i, s] of (spec.envFrom ?? []).entries()) {
    if (s.secretRef) out.push(secret(s.secretRef.name, `spec.envFrom[${i}].secretRef`));
    if (s.configMapRef) out.push(configMap(s.configMapRef.name, `spec.envFrom[${i}].configMapRef`));
  }
  for (const [i, f] of (spec.secretFiles ?? []).entries())
    out.push(secret(f.secretName, `spec.secretFiles[${i}]`));
  for (const [i, s] of (spec.imagePullSecrets ?? []).entries())
    out.push(secret(s.name, `spec.imagePullSecrets[${i}]`));
  if (spec.data?.claimName) {
    out.push({
      verb: 'get',
      group: '',
      resource: 'persistentvolumeclaims',
      name: spec.data.claimName,
      field: 'spec.data.claimName',
    });
  }
  for (const key of Object.keys(spec.placement?.nodeSelector ?? {}))
    out.push(placement(key, `spec.placement.nodeSelector[${key}]`));
  for (const [i, t] of (spec.placement?.tolerations ?? []).entries())
    out.push(placement(t.key ?? '', `spec.placement.tolerations[${i}]`));
  // The real-node stand-in renders a node selector and a toleration too (pod.ts).
  if (ps.metadata?.annotations?.[REAL_NODE_ANNOTATION] === 'true') {
    const at = `metadata.annotations[${REAL_NODE_ANNOTATION}]`;
    out.push(placement(NODE_CLASS_LABEL, at), placement(REAL_NODE_TAINT, at));
  }
  return out;
}

/** The references of `next` that `previous` did not already make, one per identity. */
export function addedReferences(next: ProjectService, previous: ProjectService | undefined): Reference[] {
  const had = new Set((previous ? references(previous) : []).map(referenceKey));
  const seen = new Set<string>();
  return references(next).filter((r) => {
    const key = referenceKey(r);
    if (had.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
