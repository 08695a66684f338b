// The scaling controller's act step: set the absolute count through the ProjectService scale
// subresource when the decision says so and nothing blocks it, annotate the service with the
// decision id, and record Events. Blocks instead of fighting: an HPA on the same service, or
// another writer that keeps changing the count (OVERRIDES_FOR_CONFLICT times within
// OVERRIDE_WINDOW_MS), is reported as ConflictingAutoscaler; a single change by someone else
// is set back with an Event saying so. Remembers, per service, the count it last wrote.

import {
  type CustomObjectsApi,
  type KubernetesObjectApi,
  PatchStrategy,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { Logger } from '../../../../common/log.ts';
import { API_VERSION, APPS_GROUP } from '../../../../common/names.ts';
import { apiFailure } from '../errors.ts';
import type { EventInput, EventRecorder, Involved } from '../events.ts';
import { DECISION_ANNOTATION, SCALING_FIELD_MANAGER } from './identity.ts';
import type { ServiceDecision } from './service.ts';
import type { Blocker } from './status.ts';

/** A count changed by others this often within OVERRIDE_WINDOW_MS means a second writer. */
const OVERRIDES_FOR_CONFLICT = 3;
const OVERRIDE_WINDOW_MS = 10 * 60_000;

export interface ActuatorOptions {
  custom: CustomObjectsApi;
  objects: KubernetesObjectApi;
  events: EventRecorder;
  log: Logger;
  /** The HPAs of a namespace, from the informer. */
  hpas(namespace: string): readonly V2HorizontalPodAutoscaler[];
}

export class Actuator {
  readonly #o: ActuatorOptions;
  /** Per service: the count this controller last wrote or confirmed. */
  readonly #lastCount = new Map<string, number>();
  /** Per service: when others changed the count. */
  readonly #overrides = new Map<string, number[]>();

  constructor(options: ActuatorOptions) {
    this.#o = options;
  }

  /** The service has no policies any more: nothing to remember about it. */
  forget(key: string): void {
    this.#lastCount.delete(key);
    this.#overrides.delete(key);
  }

  /** Writes the count when the decision says so and nothing blocks it; returns what blocks it. */
  async act(
    key: string,
    ps: ProjectService,
    decision: ServiceDecision,
    nowMs: number,
  ): Promise<Blocker | undefined> {
    const namespace = ps.metadata?.namespace ?? '';
    const name = ps.metadata?.name ?? '';
    const involved: Involved = {
      apiVersion: `${APPS_GROUP}/${API_VERSION}`,
      kind: 'ProjectService',
      name,
      namespace,
      uid: ps.metadata?.uid,
    };
    const hpa = this.#o
      .hpas(namespace)
      .find((h) => h.spec?.scaleTargetRef?.kind === 'ProjectService' && h.spec.scaleTargetRef.name === name);
    if (hpa) {
      return {
        reason: 'ConflictingAutoscaler',
        message: `HorizontalPodAutoscaler ${hpa.metadata?.name} also targets ProjectService ${name}; not scaling until one of them goes`,
      };
    }
    if (!decision.winner) return undefined;
    const last = this.#lastCount.get(key);
    const events: EventInput[] = [];
    if (last !== undefined && last !== decision.from) {
      const times = [...(this.#overrides.get(key) ?? []), nowMs].filter(
        (t) => t > nowMs - OVERRIDE_WINDOW_MS,
      );
      this.#overrides.set(key, times);
      if (times.length >= OVERRIDES_FOR_CONFLICT) {
        return {
          reason: 'ConflictingAutoscaler',
          message: `replicas were changed by another writer ${times.length} times in ${OVERRIDE_WINDOW_MS / 60_000} minutes (last to ${decision.from}); not fighting it`,
        };
      }
      events.push({
        type: 'Warning',
        reason: 'ManualScaleOverridden',
        message: `replicas were set to ${decision.from} outside the scaling policies (last set ${last}); decision ${decision.id} sets ${decision.to}`,
      });
    }
    if (decision.actuate) {
      const failed = await this.#scale(namespace, name, decision);
      if (failed) return failed;
      const rule = decision.winner.rule ? ` rule ${decision.winner.rule} of` : '';
      events.push({
        type: 'Normal',
        reason: 'Scaled',
        message:
          `decision ${decision.id}: ${decision.from} → ${decision.to} (${rule} policy ${decision.winner.policy})`.replace(
            '( ',
            '(',
          ),
      });
    }
    this.#lastCount.set(key, decision.to);
    await Promise.all(events.map((e) => this.#o.events.record(involved, e)));
    return undefined;
  }

  /** Sets replicas through the scale subresource, then annotates the decision id (best effort). */
  async #scale(namespace: string, name: string, decision: ServiceDecision): Promise<Blocker | undefined> {
    try {
      await this.#o.custom.replaceNamespacedCustomObjectScale({
        group: APPS_GROUP,
        version: API_VERSION,
        namespace,
        plural: 'projectservices',
        name,
        body: {
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name, namespace },
          spec: { replicas: decision.to },
        },
      });
    } catch (error) {
      const failure = apiFailure(error);
      return {
        reason: 'ScaleFailed',
        message: `setting replicas to ${decision.to}: ${failure.reason}: ${failure.message}`,
      };
    }
    await this.#o.objects
      .patch(
        {
          apiVersion: `${APPS_GROUP}/${API_VERSION}`,
          kind: 'ProjectService',
          metadata: { name, namespace, annotations: { [DECISION_ANNOTATION]: decision.id } },
        },
        undefined,
        undefined,
        SCALING_FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      )
      .catch((error: unknown) =>
        this.#o.log.warn({ decision: decision.id, err: String(error) }, 'could not annotate the decision id'),
      );
    return undefined;
  }
}
