// What a replica takes from other objects of its namespace, as pod-spec pieces: env values and
// whole env sets from Secrets and ConfigMaps, Secret files mounted read-only, image pull
// secrets. Pure. The references were checked as the requesting user at admission; this file
// only renders them and must never add a reference the spec does not name.

import type {
  V1EnvFromSource,
  V1EnvVar,
  V1LocalObjectReference,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { EnvVar, ProjectServiceSpec } from '../../../../common/apis/apps/v1alpha1/types.ts';

function keyRef(ref: { name: string; key: string; optional?: boolean }) {
  return { key: ref.key, name: ref.name, ...(ref.optional ? { optional: true } : {}) };
}

export function envVar(e: EnvVar): V1EnvVar {
  const from = e.valueFrom;
  if (from?.secretKeyRef) return { name: e.name, valueFrom: { secretKeyRef: keyRef(from.secretKeyRef) } };
  if (from?.configMapKeyRef)
    return { name: e.name, valueFrom: { configMapKeyRef: keyRef(from.configMapKeyRef) } };
  return e.value ? { name: e.name, value: e.value } : { name: e.name };
}

export function envFrom(spec: ProjectServiceSpec): V1EnvFromSource[] {
  return (spec.envFrom ?? []).map((s) => {
    const ref = s.secretRef ?? s.configMapRef;
    const target = { name: ref?.name ?? '', ...(ref?.optional ? { optional: true } : {}) };
    return {
      ...(s.configMapRef ? { configMapRef: target } : { secretRef: target }),
      ...(s.prefix ? { prefix: s.prefix } : {}),
    };
  });
}

/** Volume name of the i-th Secret files entry. */
function secretVolume(i: number): string {
  return `secret-${i}`;
}

export function secretVolumes(spec: ProjectServiceSpec): V1Volume[] {
  return (spec.secretFiles ?? []).map((f, i) => ({
    name: secretVolume(i),
    secret: { secretName: f.secretName },
  }));
}

export function secretMounts(spec: ProjectServiceSpec): V1VolumeMount[] {
  return (spec.secretFiles ?? []).map((f, i) => ({
    mountPath: f.mountPath,
    name: secretVolume(i),
    readOnly: true,
  }));
}

export function imagePullSecrets(spec: ProjectServiceSpec): V1LocalObjectReference[] {
  return (spec.imagePullSecrets ?? []).map((s) => ({ name: s.name }));
}
