// Recording core/v1 Events about an object, so `kubectl describe` and `kubectl get events`
// show what a controller did and why. Best effort: a failed Event is logged, never fatal, and
// never retried (the next reconcile says it again if it still holds).

import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../../common/log.ts';

export interface Involved {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export class EventRecorder {
  readonly #core: CoreV1Api;
  readonly #component: string;
  readonly #host: string;
  readonly #log: Logger;
  #seq = 0;

  constructor(kc: KubeConfig, component: string, host: string, log: Logger) {
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#component = component;
    this.#host = host;
    this.#log = log;
  }

  async record(on: Involved, event: EventInput): Promise<void> {
    const now = new Date();
    const body: CoreV1Event = {
      metadata: {
        name: `${on.name}.${now.getTime().toString(16)}${(this.#seq++ % 4096).toString(16).padStart(3, '0')}`,
        namespace: on.namespace,
      },
      involvedObject: {
        apiVersion: on.apiVersion,
        kind: on.kind,
        name: on.name,
        namespace: on.namespace,
        ...(on.uid ? { uid: on.uid } : {}),
        ...(on.resourceVersion ? { resourceVersion: on.resourceVersion } : {}),
      },
      type: event.type,
      reason: event.reason,
      message: event.message,
      source: { component: this.#component, host: this.#host },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.#core.createNamespacedEvent({ namespace: on.namespace, body });
    } catch (error) {
      this.#log.warn(
        {
          project: on.namespace,
          object: on.name,
          reason: event.reason,
          err: String((error as Error).message),
        },
        'could not record event',
      );
    }
  }
}
