// The controller's observe step: each child as rendered (render.ts and the exposure plan)
// and as it lives, with their drift. A child the cache says is out of sync is read again
// first: the cache may lag the controller's own last write.

import type { KubernetesObject, V1Ingress } from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import {
  CHILD_KINDS,
  type ChildClient,
  type ChildField,
  type ChildHeader,
  type ChildKind,
  type Desired,
} from './children.ts';
import { type Drift, drift, type KubeObject } from './drift.ts';
import { claimOf, type ExposureProblem, exposureNames, type HTTPRoute, planExposure } from './exposure.ts';
import { childNames } from './identity.ts';
import { render } from './render.ts';

/** One child: as rendered (none: must not exist), as it lives, and how they differ. */
export interface Plan {
  child: ChildKind;
  header: ChildHeader;
  want: Desired[ChildField];
  current: KubernetesObject | undefined;
  found: Drift | undefined;
}

/** The plans, and what planning the exposure found the cluster refuses. */
export interface Observation {
  plans: Plan[];
  exposureProblems: ExposureProblem[];
}

/** What observing reads: the informers' caches, the routes listed, and the live child. */
export interface Sources {
  /** A child from the informer of its kind (never asked for HTTPRoutes). */
  cached(
    field: Exclude<ChildField, 'httpRoute'>,
    name: string,
    namespace: string,
  ): KubernetesObject | undefined;
  /** Every Ingress of the cluster. */
  ingresses(): readonly V1Ingress[];
  /** Every HTTPRoute (host-ownership.ts); undefined when Gateway API is not served. */
  routes: HTTPRoute[] | undefined;
  children: ChildClient;
}

export async function observe(ps: ProjectService, sources: Sources): Promise<Observation> {
  const namespace = ps.metadata.namespace ?? '';
  const uid = ps.metadata.uid ?? '';
  const { routes } = sources;
  const exposure = planExposure(ps, {
    claims: [...sources.ingresses().map(claimOf), ...(routes ?? []).map(claimOf)],
    gatewayAPI: routes !== undefined,
  });
  const desired: Desired = { ...render(ps), ...exposure.children };
  const names = childNames(ps);
  const exposed = exposureNames(ps);
  const childName: Record<ChildField, string> = {
    deployment: names.deployment,
    service: names.service,
    configMap: names.configMap,
    dataClaim: names.dataClaim,
    nodePortService: exposed.nodePortService,
    ingress: exposed.ingress,
    httpRoute: exposed.httpRoute,
  };
  const plans: Plan[] = [];
  for (const child of CHILD_KINDS) {
    const want = desired[child.field] as Desired[ChildField];
    const header: ChildHeader = {
      apiVersion: child.apiVersion,
      kind: child.kind,
      metadata: { name: childName[child.field], namespace },
    };
    let current: KubernetesObject | undefined =
      child.field === 'httpRoute'
        ? routes?.find((r) => r.metadata.namespace === namespace && r.metadata.name === header.metadata.name)
        : sources.cached(child.field, header.metadata.name, namespace);
    let found: Drift | undefined;
    if (want) {
      found = drift(want as KubeObject, current as KubeObject | undefined, uid);
      if (found.state !== 'InSync') {
        current = await sources.children.read(child, header);
        found = drift(want as KubeObject, current as KubeObject | undefined, uid);
      }
    }
    plans.push({ child, header, want, current, found });
  }
  return { plans, exposureProblems: exposure.problems };
}
