// Who a ProjectService's children are: their names, the labels that tie them to the service
// and its project, the selector that finds its pods, and the owner reference that makes the
// garbage collector delete them with it. Pure; every other file of the controller takes
// names and labels from here, so a child is recognised the same way everywhere.

import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { OwnerReference } from '../../../../common/apis/meta/types.ts';
import { API_VERSION, APPS_GROUP, PROJECT_LABEL, SERVICE_LABEL } from '../../../../common/names.ts';

/** `app.kubernetes.io/managed-by` of everything the controller creates. */
export const MANAGED_BY = 'kubehpc';
/** The field manager the controller applies with, so it owns exactly the fields it sets. */
export const FIELD_MANAGER = 'kubehpc-projectservice-controller';

/** The role of a child, as its `app.kubernetes.io/component` label says it. */
export type Component = 'workload' | 'network' | 'config' | 'storage';

export interface ChildNames {
  deployment: string;
  service: string;
  configMap: string;
  /** The per-replica volume; each replica's claim is `<pod name>-data`. */
  dataVolume: string;
  /** The shared data claim of `spec.data.size`, one per service whatever its pod template. */
  dataClaim: string;
}

export function childNames(ps: ProjectService): ChildNames {
  const name = nameOf(ps);
  return {
    deployment: name,
    service: name,
    configMap: `${name}-config`,
    dataVolume: 'data',
    dataClaim: `${name}-shared`,
  };
}

export function nameOf(ps: ProjectService): string {
  return ps.metadata.name ?? '';
}

export function namespaceOf(ps: ProjectService): string {
  return ps.metadata.namespace ?? 'default';
}

/**
 * The labels that select a service's pods: the service label alone. It is immutable in a
 * Deployment, so it must never gain or lose a key; names are unique within a namespace.
 */
export function selectorLabels(ps: ProjectService): Record<string, string> {
  return { [SERVICE_LABEL]: nameOf(ps) };
}

/** The selector as a string, as `status.selector` and the scale subresource give it. */
export function selectorString(ps: ProjectService): string {
  return Object.entries(selectorLabels(ps))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Labels of every child (and of the pods): recommended labels, project and service. */
export function childLabels(ps: ProjectService, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/instance': nameOf(ps),
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': nameOf(ps),
    'app.kubernetes.io/part-of': namespaceOf(ps),
    [PROJECT_LABEL]: namespaceOf(ps),
    ...selectorLabels(ps),
  };
}

/** The controller reference that makes the garbage collector delete a child with its service. */
export function ownerReference(ps: ProjectService): OwnerReference {
  return {
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: 'ProjectService',
    name: nameOf(ps),
    uid: ps.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
