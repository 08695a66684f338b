// The scaling controller's I/O edge. Every period (and at once when a policy changes) each
// service that has ScalingPolicies is evaluated: observe (pods and metrics.k8s.io usage,
// Prometheus queries, the node view for the capacity guard) → decide (service.ts, pure) →
// act: set the absolute count through the ProjectService scale subresource, annotate the
// service with the decision id, record Events, write each policy's status, log one
// structured line. A count changed by someone else since the last evaluation is set back
// with an event saying so; an HPA on the same ProjectService, or a writer that keeps
// changing the count, is reported as AbleToScale=False and the controller stops writing
// instead of fighting. Nothing here decides a count.

import {
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Node,
  type V1Pod,
  type V2HorizontalPodAutoscaler,
  Watch,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ScalingPolicy } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import type { ControllerMetrics } from '../../../../common/controller/metrics.ts';
import { type Controller, ControllerRuntime } from '../../../../common/controller/runtime.ts';
import { customResourceSource, type Informer } from '../../../../common/informer.ts';
import type { Logger } from '../../../../common/log.ts';
import {
  API_VERSION,
  APPS_GROUP,
  NODE_RESOURCE_TOPOLOGY as NRT,
  SCALING_GROUP,
  SERVICE_LABEL,
} from '../../../../common/names.ts';
import { apiFailure, classifyFailure } from '../errors.ts';
import type { EventInput, EventRecorder, Involved } from '../events.ts';
import { type StatusKind, writeStatus } from '../status-writer.ts';
import { EMPTY_MEMORY, type PolicyMemory, recordScale } from './behavior.ts';
import { capacityView } from './capacity-view.ts';
import { DECISION_ANNOTATION, newDecisionId, SCALING_FIELD_MANAGER } from './identity.ts';
import type { ScalingMetrics } from './metrics.ts';
import type { RuleObservation } from './observations.ts';
import type { PolicyInput } from './policy.ts';
import { decideService, type ServiceDecision } from './service.ts';
import { usageSamples } from './sources/podmetrics.ts';
import { podState } from './sources/pods.ts';
import type { PrometheusClient } from './sources/prometheus.ts';
import { resolvePrometheusAddress } from './sources/prometheus-address.ts';
import { type Blocker, nextStatus, policyConditions } from './status.ts';

const CONTROLLER = 'scaling';
const POLICIES = 'scalingpolicies';
const SERVICES = 'projectservices';
const SCALING_POLICY: StatusKind = { group: SCALING_GROUP, plural: POLICIES, kind: 'ScalingPolicy' };
/** A count changed by others this often within OVERRIDE_WINDOW_MS means a second writer. */
const OVERRIDES_FOR_CONFLICT = 3;
const OVERRIDE_WINDOW_MS = 10 * 60_000;

export interface ScalingControllerOptions {
  workers: number;
  /** The evaluation period: the runtime's resync revisits every service this often. */
  periodMs: number;
  /** Default Prometheus HTTP API address; a policy may set its own. */
  prometheusUrl: string | undefined;
  /** Canonical addresses a policy's spec.prometheusAddress may name (prometheus-address.ts). */
  prometheusAllowed: readonly string[];
  prometheus: PrometheusClient;
  events: EventRecorder;
  metrics: ControllerMetrics;
  scaling: ScalingMetrics;
  log: Logger;
}

type Policy = ScalingPolicy & KubernetesObject;
type Service = ProjectService & KubernetesObject;

export class ScalingController implements Controller {
  readonly name = CONTROLLER;
  readonly #o: ScalingControllerOptions;
  readonly #custom: CustomObjectsApi;
  readonly #objects: KubernetesObjectApi;
  readonly #runtime: ControllerRuntime;
  readonly #policies: Informer<Policy>;
  readonly #services: Informer<Service>;
  readonly #pods: Informer<V1Pod>;
  readonly #nodes: Informer<V1Node>;
  readonly #hpas: Informer<V2HorizontalPodAutoscaler>;
  /** NodeResourceTopology objects: the NUMA zones the capacity guard counts for single-NUMA services. */
  readonly #topologies: Informer<KubernetesObject>;
  /** Per policy (namespace/name): recommendations and scale events the behaviour looks back on. */
  readonly #memory = new Map<string, PolicyMemory>();
  /** Per service: the count this controller last wrote or confirmed. */
  readonly #lastCount = new Map<string, number>();
  /** Per policy: the generation last evaluated on a change. */
  readonly #generations = new Map<string, number | undefined>();
  /** Per service: when others changed the count. */
  readonly #overrides = new Map<string, number[]>();

  constructor(kc: KubeConfig, options: ScalingControllerOptions) {
    this.#o = options;
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#runtime = new ControllerRuntime({
      workers: options.workers,
      resyncMs: options.periodMs,
      metrics: options.metrics,
      log: options.log,
      watch: new Watch(kc),
    });
    const core = kc.makeApiClient(CoreV1Api);
    const autoscaling = kc.makeApiClient(AutoscalingV2Api);
    const target = (p: Policy) => this.#runtime.enqueue(p.metadata?.namespace, p.spec?.targetRef?.name);
    this.#policies = this.#runtime.informer<Policy>({
      name: POLICIES,
      ...customResourceSource<Policy>(this.#custom, {
        group: SCALING_GROUP,
        version: API_VERSION,
        plural: POLICIES,
      }),
      onUpsert: (p) => {
        // Its own status writes change no generation: only a spec change (or a new policy) is
        // worth an evaluation before the next period.
        const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
        if (this.#generations.get(key) === p.metadata?.generation) return;
        this.#generations.set(key, p.metadata?.generation);
        target(p);
      },
      onDelete: (p) => {
        this.#generations.delete(`${p.metadata?.namespace}/${p.metadata?.name}`);
        target(p);
      },
    });
    this.#services = this.#runtime.informer<Service>({
      name: SERVICES,
      ...customResourceSource<Service>(this.#custom, {
        group: APPS_GROUP,
        version: API_VERSION,
        plural: SERVICES,
      }),
    });
    this.#pods = this.#runtime.informer<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces(),
    });
    this.#nodes = this.#runtime.informer<V1Node>({
      name: 'nodes',
      path: '/api/v1/nodes',
      list: () => core.listNode(),
    });
    this.#topologies = this.#runtime.informer<KubernetesObject>({
      name: 'noderesourcetopologies',
      ...customResourceSource(this.#custom, NRT),
    });
    const byTarget = (h: V2HorizontalPodAutoscaler) =>
      this.#runtime.enqueue(h.metadata?.namespace, h.spec?.scaleTargetRef?.name);
    this.#hpas = this.#runtime.informer<V2HorizontalPodAutoscaler>({
      name: 'horizontalpodautoscalers',
      path: '/apis/autoscaling/v2/horizontalpodautoscalers',
      list: () => autoscaling.listHorizontalPodAutoscalerForAllNamespaces(),
      onUpsert: byTarget,
      onDelete: byTarget,
    });
  }

  synced(): boolean {
    return this.#runtime.synced();
  }

  async start(): Promise<void> {
    await this.#runtime.start({
      name: CONTROLLER,
      reconcile: (key) => this.#evaluate(key),
      // Every service with a policy, every period.
      keys: () => [
        ...new Set(this.#policies.list().map((p) => `${p.metadata?.namespace}/${p.spec?.targetRef?.name}`)),
      ],
      classify: classifyFailure,
    });
    // The first period starts now, not one period after the start.
    for (const p of this.#policies.list())
      this.#runtime.enqueue(p.metadata?.namespace, p.spec?.targetRef?.name);
  }

  stop(): Promise<void> {
    return this.#runtime.stop();
  }

  async #evaluate(key: string): Promise<void> {
    const end = this.#o.scaling.evaluation.startTimer();
    try {
      await this.#evaluateService(key);
    } finally {
      end();
    }
  }

  async #evaluateService(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const policies = this.#policies
      .list(namespace)
      .filter((p) => p.spec?.targetRef?.name === name && !p.metadata?.deletionTimestamp)
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    if (policies.length === 0) {
      this.#lastCount.delete(key);
      this.#overrides.delete(key);
      return;
    }
    const nowMs = Date.now();
    const id = newDecisionId(nowMs);
    const ps = this.#services.get(name, namespace);
    if (!ps || ps.metadata?.deletionTimestamp) {
      const blocker: Blocker = { reason: 'TargetNotFound', message: `ProjectService ${name} not found` };
      for (const p of policies) await this.#writeStatus(p, undefined, undefined, blocker, 0, nowMs);
      return;
    }
    const current = ps.spec.replicas ?? 1;
    const servicePods = this.#pods
      .list(namespace)
      .filter((p) => p.metadata?.labels?.[SERVICE_LABEL] === name);
    const inputs = await this.#observe(namespace, name, policies, servicePods, current, nowMs);
    const decision = decideService(inputs, current, nowMs, id);
    const blocker = await this.#act(key, ps, decision, nowMs);
    for (const [i, p] of policies.entries()) {
      const policyKey = `${namespace}/${p.metadata?.name}`;
      const outcome = decision.outcomes[i];
      let memory = outcome?.memory ?? EMPTY_MEMORY;
      if (decision.actuate && !blocker) memory = recordScale(memory, nowMs, decision.from, decision.to);
      this.#memory.set(policyKey, memory);
      await this.#writeStatus(p, decision, outcome?.name, blocker, current, nowMs);
    }
    for (const known of this.#memory.keys()) {
      if (
        known.startsWith(`${namespace}/`) &&
        !this.#policies.get(known.slice(namespace.length + 1), namespace)
      ) {
        this.#memory.delete(known);
      }
    }
    const direction = decision.to > decision.from ? 'up' : decision.to < decision.from ? 'down' : 'none';
    const winner = decision.outcomes.find((o) => o.name === decision.winner?.policy);
    const reason = winner?.held ? 'Held' : (winner?.clamps.at(-1)?.kind ?? 'Rules');
    this.#o.scaling.decisions.inc({ direction, reason });
    this.#o.log.info(
      {
        controller: CONTROLLER,
        decision: id,
        project: namespace,
        service: name,
        from: decision.from,
        to: decision.to,
        actuated: decision.actuate && !blocker,
        winner: decision.winner,
        clamps: winner?.clamps ?? [],
        ...(blocker ? { blocked: blocker.reason } : {}),
      },
      'scaling decision',
    );
  }

  async #observe(
    namespace: string,
    name: string,
    policies: readonly Policy[],
    pods: readonly V1Pod[],
    current: number,
    nowMs: number,
  ): Promise<PolicyInput[]> {
    const states = pods.map(podState);
    let podMetrics: Promise<{ ok: true; list: unknown } | { ok: false; error: string }> | undefined;
    const metricsFor = () => {
      podMetrics ??= this.#fetchPodMetrics(namespace, name);
      return podMetrics;
    };
    const needsCapacity = policies.some((p) => p.spec.capacityGuard !== undefined);
    const capacity = needsCapacity
      ? capacityView(
          this.#nodes.list(),
          this.#pods.list(),
          pods,
          current,
          new Map(this.#topologies.list().map((nrt) => [nrt.metadata?.name ?? '', nrt])),
        )
      : undefined;
    const inputs: PolicyInput[] = [];
    for (const p of policies) {
      const observations = new Map<string, RuleObservation>();
      await Promise.all(
        p.spec.rules.map(async (rule) => {
          if (rule.resource) {
            const fetched = await metricsFor();
            observations.set(
              rule.name,
              fetched.ok
                ? { kind: 'resource', pods: states, usage: usageSamples(fetched.list, rule.resource.name) }
                : { kind: 'failed', error: fetched.error },
            );
          } else if (rule.prometheus) {
            observations.set(rule.name, await this.#query(p, rule.prometheus.query, nowMs));
          }
        }),
      );
      const policyName = p.metadata?.name ?? '';
      inputs.push({
        name: policyName,
        spec: p.spec,
        observations,
        memory: this.#memory.get(`${namespace}/${policyName}`) ?? EMPTY_MEMORY,
        ...(capacity ? { capacity } : {}),
      });
    }
    return inputs;
  }

  async #fetchPodMetrics(
    namespace: string,
    name: string,
  ): Promise<{ ok: true; list: unknown } | { ok: false; error: string }> {
    const end = this.#o.scaling.fetch.startTimer({ source: 'metrics.k8s.io' });
    try {
      const list = await this.#custom.listNamespacedCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        namespace,
        plural: 'pods',
        labelSelector: `${SERVICE_LABEL}=${name}`,
      });
      return { ok: true, list };
    } catch (error) {
      this.#o.scaling.fetchErrors.inc({ source: 'metrics.k8s.io' });
      const failure = apiFailure(error);
      const error_ =
        failure.code === 404
          ? 'the metrics API (metrics.k8s.io) is not served: is metrics-server running and registered?'
          : `the metrics API failed: ${failure.reason}: ${failure.message}`;
      return { ok: false, error: error_ };
    } finally {
      end();
    }
  }

  async #query(p: Policy, query: string, nowMs: number): Promise<RuleObservation> {
    const resolved = resolvePrometheusAddress(
      p.spec.prometheusAddress,
      this.#o.prometheusUrl,
      this.#o.prometheusAllowed,
    );
    if (!resolved.ok) return { kind: 'failed', error: resolved.error };
    const address = resolved.address;
    const end = this.#o.scaling.fetch.startTimer({ source: 'prometheus' });
    const result = await this.#o.prometheus.query(address, query, nowMs);
    end();
    if (!result.ok) {
      this.#o.scaling.fetchErrors.inc({ source: 'prometheus' });
      return { kind: 'failed', error: result.error };
    }
    return { kind: 'prometheus', value: result.value };
  }

  /** Writes the count when the decision says so and nothing blocks it; returns what blocks it. */
  async #act(
    key: string,
    ps: Service,
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
    const hpa = this.#hpas
      .list(namespace)
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
      try {
        await this.#custom.replaceNamespacedCustomObjectScale({
          group: APPS_GROUP,
          version: API_VERSION,
          namespace,
          plural: SERVICES,
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
      await this.#objects
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
          this.#o.log.warn(
            { decision: decision.id, err: String(error) },
            'could not annotate the decision id',
          ),
        );
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

  async #writeStatus(
    p: Policy,
    decision: ServiceDecision | undefined,
    outcomeName: string | undefined,
    blocker: Blocker | undefined,
    current: number,
    nowMs: number,
  ): Promise<void> {
    if (this.#runtime.stopped) return;
    const name = p.metadata?.name ?? '';
    const namespace = p.metadata?.namespace ?? '';
    const outcome = decision?.outcomes.find((o) => o.name === outcomeName);
    const record = decision?.records.get(name);
    const status = nextStatus(p.status, {
      generation: p.metadata?.generation,
      current,
      desired: record?.to ?? current,
      record: record && blocker ? { ...record, actuated: false } : record,
      conditions: policyConditions(outcome, blocker),
      nowIso: new Date(nowMs).toISOString(),
    });
    const before = p.status ?? {};
    const changedDecision = status.lastDecision?.id !== before.lastDecision?.id;
    const involved: Involved = {
      apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
      kind: 'ScalingPolicy',
      name,
      namespace,
      uid: p.metadata?.uid,
    };
    for (const c of status.conditions ?? []) {
      const was = before.conditions?.find((b) => b.type === c.type);
      const bad =
        (c.type === 'CapacityLimited' && c.status === 'True') ||
        (c.type !== 'CapacityLimited' && c.status === 'False');
      if (bad && (was?.status !== c.status || was.reason !== c.reason)) {
        await this.#o.events.record(involved, { type: 'Warning', reason: c.reason, message: c.message });
      }
    }
    if (changedDecision && record?.actuated && !blocker) {
      await this.#o.events.record(involved, {
        type: 'Normal',
        reason: 'Decided',
        message: `decision ${record.id}: ${record.reason}`,
      });
    }
    // Deleted meanwhile, or changed meanwhile: the next period writes it again.
    await writeStatus(this.#custom, SCALING_POLICY, p, status, [404, 409]);
  }
}
