// The shared persistent data of a ProjectService: the PersistentVolumeClaim the service
// creates and owns (spec.data.size), or an existing claim (spec.data.claimName), mounted in
// every replica. The claim's name depends on the service's name alone, so a rolling update
// (a new pod template) keeps the same claim and its data. Pure.

import type { V1PersistentVolumeClaim, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { childLabels, childNames, namespaceOf, ownerReference } from './identity.ts';
import { sortedRecord } from './sorted.ts';

/** Volume name of the shared data in the pod ('data' is the per-replica local disk's). */
export const SHARED_DATA_VOLUME = 'shared';
/** Access mode of a created claim when the spec names none: shared by replicas on any node. */
export const DEFAULT_DATA_ACCESS_MODE = 'ReadWriteMany';

export function renderDataClaim(ps: ProjectService): V1PersistentVolumeClaim | undefined {
  const data = ps.spec.data;
  if (!data?.size) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: childNames(ps).dataClaim,
      namespace: namespaceOf(ps),
      labels: sortedRecord(childLabels(ps, 'storage')),
      ownerReferences: [ownerReference(ps)],
    },
    spec: {
      accessModes: [data.accessMode ?? DEFAULT_DATA_ACCESS_MODE],
      resources: { requests: { storage: data.size } },
      ...(data.storageClassName ? { storageClassName: data.storageClassName } : {}),
    },
  };
}

export function dataVolumes(ps: ProjectService): V1Volume[] {
  const data = ps.spec.data;
  if (!data) return [];
  const claimName = data.claimName ?? childNames(ps).dataClaim;
  return [
    {
      name: SHARED_DATA_VOLUME,
      persistentVolumeClaim: { claimName, ...(data.readOnly ? { readOnly: true } : {}) },
    },
  ];
}

export function dataMounts(ps: ProjectService): V1VolumeMount[] {
  const data = ps.spec.data;
  if (!data) return [];
  return [
    { mountPath: data.mountPath, name: SHARED_DATA_VOLUME, ...(data.readOnly ? { readOnly: true } : {}) },
  ];
}
