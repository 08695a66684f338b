// The controller's last step: record the Events realising produced (while the revision is
// recorded), then write the status status.ts computes from what lives (the Deployment, the
// ConfigMap, the pods, the exposure children) when it changed.

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
import type { EventInput, EventRecorder, Involved } from '../events.ts';
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
  /** The revision being recorded (history.ts), settling with the Events it produced. */
  history?: Promise<EventInput[]> | undefined;
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
  // The status comes last: once it reports a generation, that generation's Events and
  // revision are written. Those two do not wait for each other.
  const involved = involvedIn(ps);
  await Promise.all([
    recordEvents(involved, realised.events, context.events),
    context.history?.then((events) => recordEvents(involved, events, context.events)),
  ]);
  if (context.stopped()) return;
  // A 404: deleted since the cache saw it, nothing left to report on. A 409 is thrown: the
  // next reconcile computes status again on the newer object.
  await writeStatus(context.custom, PROJECT_SERVICE, ps, status, [404]);
}

/** The service as the object its Events are about. */
function involvedIn(ps: ProjectService): Involved {
  return {
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: PROJECT_SERVICE.kind,
    name: ps.metadata.name ?? '',
    namespace: ps.metadata.namespace ?? '',
    uid: ps.metadata.uid,
    resourceVersion: ps.metadata.resourceVersion,
  };
}

/** Records the Events, all at once. */
async function recordEvents(
  involved: Involved,
  events: readonly EventInput[],
  recorder: EventRecorder,
): Promise<void> {
  await Promise.all(events.map((e) => recorder.record(involved, e)));
}
