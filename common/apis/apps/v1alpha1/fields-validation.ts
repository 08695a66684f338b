// The rules a schema cannot state for what a ProjectService takes from elsewhere and where it
// runs: value sources that name exactly one origin, extended resource names as Kubernetes
// validates them, tolerations as Kubernetes validates them, shared data that is either a new
// claim or an existing one, and mount directories that do not hide one another. Pure; called
// from validation.ts after defaulting and the schema's own checks.

import { DATA_MOUNT_PATH, SCHEDULER_EXTENDER_MANAGED_RESOURCES } from '../../../names.ts';
import { parseQuantity } from '../../../quantity.ts';
import * as field from '../../field.ts';
import { configKey, qualifiedName } from '../../formats.ts';
import type { ProjectServiceSpec } from './types.ts';

/** `/a//b/` → `/a/b`; `.` segments dropped (the schema already refuses `..`). */
export function normalisePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return `/${parts.join('/')}`;
}

function exactlyOne(path: field.FieldPath, present: Record<string, unknown>, errors: field.FieldError[]) {
  const given = Object.keys(present).filter((k) => present[k] !== undefined);
  if (given.length !== 1) {
    const names = Object.keys(present);
    errors.push(
      field.invalid(
        path,
        given.length === 0 ? 'none' : given.join(' and '),
        `must specify exactly one of ${names.join(' or ')}`,
      ),
    );
  }
}

function sources(spec: ProjectServiceSpec, path: field.FieldPath, errors: field.FieldError[]): void {
  for (const [i, env] of (spec.env ?? []).entries()) {
    const from = env.valueFrom;
    if (!from) continue;
    const at = path.child('env').index(i);
    if (env.value)
      errors.push(field.invalid(at.child('value'), env.value, 'may not be specified when valueFrom is'));
    exactlyOne(
      at.child('valueFrom'),
      { secretKeyRef: from.secretKeyRef, configMapKeyRef: from.configMapKeyRef },
      errors,
    );
    for (const [kind, ref] of [
      ['secretKeyRef', from.secretKeyRef],
      ['configMapKeyRef', from.configMapKeyRef],
    ] as const) {
      if (!ref) continue;
      for (const p of configKey(ref.key))
        errors.push(field.invalid(at.child('valueFrom').child(kind).child('key'), ref.key, p));
    }
  }
  for (const [i, source] of (spec.envFrom ?? []).entries()) {
    exactlyOne(
      path.child('envFrom').index(i),
      { secretRef: source.secretRef, configMapRef: source.configMapRef },
      errors,
    );
  }
}

/**
 * Kubernetes' extended resource names: a domain-prefixed qualified name outside
 * kubernetes.io (which is for native resources), valid also as a quota's `requests.<name>`.
 * kubehpc's own resources are refused: spec.hardware asks for them, with the checks they need.
 */
export function extendedResourceName(name: string): string[] {
  if (!name.includes('/'))
    return ['must be a domain-prefixed name, e.g. nvidia.com/gpu (unprefixed names are native resources)'];
  if (name.includes('kubernetes.io/'))
    return ['must not be in the kubernetes.io domain, which is for native resources'];
  if (name.startsWith('requests.')) return ['must not start with requests.'];
  const problems = qualifiedName(`requests.${name}`);
  if (problems.length > 0) return problems;
  if (SCHEDULER_EXTENDER_MANAGED_RESOURCES.some((r) => r.name === name))
    return ['is managed by kubehpc: ask for it through spec.hardware'];
  return [];
}

function extended(spec: ProjectServiceSpec, path: field.FieldPath, errors: field.FieldError[]): void {
  const at = path.child('resources').child('extended');
  for (const [name, amount] of Object.entries(spec.resources?.extended ?? {})) {
    for (const p of extendedResourceName(name)) errors.push(field.invalid(at, name, p));
    let value: number;
    try {
      value = parseQuantity(amount);
    } catch {
      continue; // the schema's format check has reported it
    }
    if (!Number.isInteger(value) || value <= 0)
      errors.push(field.invalid(at.key(name), amount, 'must be a whole number greater than 0'));
  }
}

function placement(spec: ProjectServiceSpec, path: field.FieldPath, errors: field.FieldError[]): void {
  const at = path.child('placement');
  for (const key of Object.keys(spec.placement?.nodeSelector ?? {})) {
    for (const p of qualifiedName(key)) errors.push(field.invalid(at.child('nodeSelector'), key, p));
  }
  for (const [i, t] of (spec.placement?.tolerations ?? []).entries()) {
    const tp = at.child('tolerations').index(i);
    if (!t.key && t.operator !== 'Exists')
      errors.push(
        field.invalid(tp.child('operator'), t.operator, 'operator must be Exists when key is empty'),
      );
    if (t.operator === 'Exists' && t.value)
      errors.push(field.invalid(tp.child('value'), t.value, 'value must be empty when operator is Exists'));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute')
      errors.push(
        field.invalid(
          tp.child('effect'),
          t.effect ?? '',
          'effect must be NoExecute when tolerationSeconds is set',
        ),
      );
  }
}

function data(spec: ProjectServiceSpec, path: field.FieldPath, errors: field.FieldError[]): void {
  const d = spec.data;
  if (!d) return;
  const at = path.child('data');
  exactlyOne(at, { size: d.size, claimName: d.claimName }, errors);
  if (d.claimName !== undefined) {
    if (d.storageClassName !== undefined)
      errors.push(
        field.forbidden(at.child('storageClassName'), 'only for a claim the service creates (size)'),
      );
    if (d.accessMode !== undefined)
      errors.push(field.forbidden(at.child('accessMode'), 'only for a claim the service creates (size)'));
  }
  if (d.size !== undefined) {
    try {
      if (parseQuantity(d.size) <= 0)
        errors.push(field.invalid(at.child('size'), d.size, 'must be greater than 0'));
    } catch {
      // the schema's format check has reported it
    }
  }
}

/** Every directory mounted into the container must be distinct and none may be the root. */
function mounts(spec: ProjectServiceSpec, path: field.FieldPath, errors: field.FieldError[]): void {
  const taken: { path: string; what: string }[] = [];
  if (spec.config) taken.push({ path: normalisePath(spec.config.mountPath), what: 'spec.config.mountPath' });
  if (spec.hardware?.localDisk) taken.push({ path: DATA_MOUNT_PATH, what: 'spec.hardware.localDisk' });
  const added: { at: field.FieldPath; raw: string }[] = [];
  for (const [i, f] of (spec.secretFiles ?? []).entries())
    added.push({ at: path.child('secretFiles').index(i).child('mountPath'), raw: f.mountPath });
  if (spec.data) added.push({ at: path.child('data').child('mountPath'), raw: spec.data.mountPath });
  for (const { at, raw } of added) {
    const normal = normalisePath(raw);
    if (normal === '/') {
      errors.push(field.invalid(at, raw, 'must not be the root directory: it would hide the image'));
      continue;
    }
    const clash = taken.find((t) => t.path === normal);
    if (clash)
      errors.push(field.invalid(at, raw, `must differ from ${clash.path}, where ${clash.what} is mounted`));
    taken.push({ path: normal, what: at.text });
  }
}

export function validateFields(spec: ProjectServiceSpec, path: field.FieldPath): field.FieldError[] {
  const errors: field.FieldError[] = [];
  sources(spec, path, errors);
  extended(spec, path, errors);
  placement(spec, path, errors);
  data(spec, path, errors);
  mounts(spec, path, errors);
  return errors;
}
