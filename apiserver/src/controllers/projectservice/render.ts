// A ProjectService → the Kubernetes objects that realise it: a Deployment always, a Service
// when it has ports, a ConfigMap when it has config, a PersistentVolumeClaim when it asks for
// shared data by size. Each is complete as the controller means
// to apply it (server-side apply with FIELD_MANAGER), labelled and owned by the service, with
// keys in a stable order. An absent child (`undefined`) is one the loop must delete if it
// owns a live one. Pure: no clock, no randomness, no I/O.

import type { V1ConfigMap, V1Deployment, V1PersistentVolumeClaim, V1Service } from '@kubernetes/client-node';
import type { ProjectService, ServicePort } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { renderDataClaim } from './data.ts';
import { childLabels, childNames, namespaceOf, ownerReference, selectorLabels } from './identity.ts';
import { type PodOptions, podTemplate } from './pod.ts';
import { sortedRecord } from './sorted.ts';

/** Kubernetes' own default; explicit so the Failed phase does not hinge on a server default. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface RenderOptions extends PodOptions {
  /** How long a rollout may make no progress before the service is Failed. */
  progressDeadlineSeconds?: number | undefined;
}

export interface Children {
  deployment: V1Deployment;
  service: V1Service | undefined;
  configMap: V1ConfigMap | undefined;
  /** The shared data claim (spec.data.size); never deleted by a rollout. */
  dataClaim: V1PersistentVolumeClaim | undefined;
}

export function render(ps: ProjectService, options: RenderOptions = {}): Children {
  return {
    deployment: renderDeployment(ps, options),
    service: renderService(ps),
    configMap: renderConfigMap(ps),
    dataClaim: renderDataClaim(ps),
  };
}

function metadata(ps: ProjectService, name: string, component: Parameters<typeof childLabels>[1]) {
  return {
    name,
    namespace: namespaceOf(ps),
    labels: sortedRecord(childLabels(ps, component)),
    ownerReferences: [ownerReference(ps)],
  };
}

export function renderDeployment(ps: ProjectService, options: RenderOptions = {}): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(ps, childNames(ps).deployment, 'workload'),
    spec: {
      progressDeadlineSeconds: options.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
      replicas: ps.spec.replicas ?? 1,
      selector: { matchLabels: selectorLabels(ps) },
      template: podTemplate(ps, options),
    },
  };
}

/** A ClusterIP Service over the named ports, or none when the service declares no port. */
export function renderService(ps: ProjectService): V1Service | undefined {
  const ports = ps.spec.ports ?? [];
  if (ports.length === 0) return undefined;
  return serviceOver(ps, childNames(ps).service, ports, 'ClusterIP');
}

/** A Service named `name` over `ports`, selecting the service's pods by their named ports. */
export function serviceOver(
  ps: ProjectService,
  name: string,
  ports: readonly ServicePort[],
  type: 'ClusterIP' | 'NodePort',
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(ps, name, 'network'),
    spec: {
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        targetPort: p.name,
      })),
      selector: selectorLabels(ps),
      type,
    },
  };
}

/**
 * The config files as one ConfigMap, present whenever `spec.config` is, even with no files
 * yet: the volume is then in the pod template from the start, and adding the first file later
 * is a live update rather than a new template and a rollout.
 */
export function renderConfigMap(ps: ProjectService): V1ConfigMap | undefined {
  const config = ps.spec.config;
  if (!config) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(ps, childNames(ps).configMap, 'config'),
    data: sortedRecord(config.files ?? {}),
  };
}
