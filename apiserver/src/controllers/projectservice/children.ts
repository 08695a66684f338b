// The children a ProjectService may have (Deployment, Services, ConfigMap, claim, Ingress,
// HTTPRoute): their kinds and API paths, and the three calls the controller makes on one —
// server-side apply, read, delete. Children are applied, read and listed as plain JSON
// through common/kube's client, not client-node's ObjectSerializer, which assigns keys and
// so loses a config file named `__proto__`. Nothing here decides what a child looks like.

import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeClient } from '../../../../common/kube/client.ts';
import { apiFailure } from '../errors.ts';
import type { ExposureChildren } from './exposure.ts';
import { GATEWAY_GROUP } from './exposure.ts';
import { FIELD_MANAGER, MANAGED_BY } from './identity.ts';
import type { Children } from './render.ts';

/** The label selector of everything the controller creates. */
export const MANAGED = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

/** The children a ProjectService may have, by the field of `Children` that renders each. */
export const CHILD_KINDS = [
  { field: 'deployment', apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { field: 'service', apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { field: 'configMap', apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { field: 'dataClaim', apiVersion: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims' },
  { field: 'nodePortService', apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { field: 'ingress', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
  { field: 'httpRoute', apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'HTTPRoute', plural: 'httproutes' },
] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];
export type ChildField = ChildKind['field'];
/** Everything render and the exposure plan want to exist. */
export type Desired = Children & ExposureChildren;

export interface ChildHeader {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

export function kindOf(field: ChildField): ChildKind {
  return CHILD_KINDS.find((k) => k.field === field) as ChildKind;
}

/** The API path of a child kind, all namespaces or one object. */
export function childPath(child: ChildKind, namespace?: string, name?: string): string {
  const prefix = child.apiVersion === 'v1' ? '/api/v1' : `/apis/${child.apiVersion}`;
  if (namespace === undefined) return `${prefix}/${child.plural}`;
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${child.plural}/${encodeURIComponent(name ?? '')}`;
}

/** Whether the object's controlling owner is the object with this uid. */
export function isOwnedBy(o: KubernetesObject, uid: string): boolean {
  return o.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid) ?? false;
}

/** For a delete or a status write: a 404 means there is nothing left to do. */
export function notFoundIsFine(error: unknown): void {
  if (apiFailure(error).code !== 404) throw error;
}

/** The calls on one child. */
export class ChildClient {
  readonly #kube: KubeClient;
  readonly #objects: KubernetesObjectApi;

  constructor(kube: KubeClient, objects: KubernetesObjectApi) {
    this.#kube = kube;
    this.#objects = objects;
  }

  /** Server-side apply of a rendered child, sent as the JSON text render produced. */
  apply(child: ChildKind, header: ChildHeader, text: string): Promise<KubernetesObject> {
    return this.#kube.request<KubernetesObject>(
      'PATCH',
      childPath(child, header.metadata.namespace, header.metadata.name),
      {
        body: text,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: FIELD_MANAGER, force: true },
      },
    );
  }

  /** Deletes in the background (the garbage collector takes the dependents); gone is fine. */
  async delete(header: ChildHeader): Promise<void> {
    await this.#objects
      .delete(header, undefined, undefined, undefined, undefined, 'Background')
      .catch(notFoundIsFine);
  }

  /** The live object, read past the cache; undefined when there is none. */
  async read(child: ChildKind, header: ChildHeader): Promise<KubernetesObject | undefined> {
    try {
      return await this.#kube.request<KubernetesObject>(
        'GET',
        childPath(child, header.metadata.namespace, header.metadata.name),
      );
    } catch (error) {
      if (apiFailure(error).code === 404) return undefined;
      throw error;
    }
  }
}
