// The API server's Events: on whose permissions a write's references were admitted (issue 14),
// recorded on the stored object with the controllers' EventRecorder (best effort).

import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { PROJECT_SERVICE } from '../../../common/apis/apps/v1alpha1/register.ts';
import { apiVersionOf } from '../../../common/apis/kind.ts';
import type { Logger } from '../../../common/log.ts';
import { EventRecorder } from '../controllers/events.ts';
import type { AdmissionRecorder } from '../server/admission/requester.ts';

/** Event source component of the API server's Events. */
export const APISERVER_COMPONENT = 'kubehpc-apiserver';

export function admissionEvents(kc: KubeConfig, log: Logger): AdmissionRecorder {
  const recorder = new EventRecorder(kc, APISERVER_COMPONENT, hostname(), log);
  return (object, message) =>
    recorder.record(
      {
        apiVersion: apiVersionOf(PROJECT_SERVICE),
        kind: PROJECT_SERVICE.kind,
        name: object.metadata.name ?? '',
        namespace: object.metadata.namespace ?? '',
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
      },
      { type: 'Normal', reason: 'ReferencesAdmitted', message },
    );
}
