// The controller's last step: record the Events realising produced, then write the status
// status.ts computes from what lives (the Deployment, the ConfigMap, the pods, the exposure
// children) when it changed.

import type {
  CustomObjectsApi,
  V1ConfigMap,
  V1Deployment,
  V1Ingress,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { API_VERSION, APPS_GROUP } from '../../../../common/names.ts';
import type { EventRecorder } from '../events.ts';
import { type StatusKind, writeStatus } from '../status-writer.ts';
import type { HTTPRoute } from './exposure.ts';
import type { Realised } from './realise.ts';
import { computeStatus } from './status.ts';

export const PROJECT_SERVICE: StatusKind = {
  group: APPS_GROUP,
  plural: 'projectservices',
  kind: 'ProjectService',
};

export interface ReportContext {
  custom: CustomObjectsApi;
  events: EventRecorder;
  /** True once leadership is lost: write no status. */
  stopped(): boolean;
}

export async function report(
  ps: ProjectService,
  realised: Realised,
  pods: V1Pod[],
  context: ReportContext,
): Promise<void> {
  const status = computeStatus(
    ps,
    {
      deployment: realised.live.deployment as V1Deployment | undefined,
      configMap: realised.live.configMap as V1ConfigMap | undefined,
      pods,
      applyError: realised.applyError,
      exposure: {
        nodePortService: realised.live.nodePortService as V1Service | undefined,
        ingress: realised.live.ingress as V1Ingress | undefined,
        httpRoute: realised.live.httpRoute as HTTPRoute | undefined,
        problems: realised.exposureProblems,
      },
    },
    new Date(),
  );
  const involved = {
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: PROJECT_SERVICE.kind,
    name: ps.metadata.name ?? '',
    namespace: ps.metadata.namespace ?? '',
    uid: ps.metadata.uid,
    resourceVersion: ps.metadata.resourceVersion,
  };
  await Promise.all(realised.events.map((e) => context.events.record(involved, e)));
  if (context.stopped()) return;
  // A 404: deleted since the cache saw it, nothing left to report on. A 409 is thrown: the
  // next reconcile computes status again on the newer object.
  await writeStatus(context.custom, PROJECT_SERVICE, ps, status, [404]);
}
