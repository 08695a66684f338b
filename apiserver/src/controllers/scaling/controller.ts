// The scaling controller. Every period (and at once when a policy changes) each service that
// has ScalingPolicies is evaluated on the controller runtime:
//   observe (observe.ts: pods and metrics.k8s.io usage, Prometheus queries, the node view for
//   the capacity guard) → decide (service.ts, pure) → act (actuate.ts: the scale subresource,
//   the decision annotation, Events; an HPA or a second writer blocks instead of fighting) →
//   report (report.ts: each policy's status and Events), and one structured log line.
// Nothing here decides a count.

import {
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type V1Node,
  type V1Pod,
  type V2HorizontalPodAutoscaler,
  Watch,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
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
import { classifyFailure } from '../errors.ts';
import type { EventRecorder } from '../events.ts';
import { Actuator } from './actuate.ts';
import { EMPTY_MEMORY, type PolicyMemory, recordScale } from './behavior.ts';
import { newDecisionId } from './identity.ts';
import type { ScalingMetrics } from './metrics.ts';
import { type ObserveSources, observe, type Policy } from './observe.ts';
import { type ReportContext, reportPolicy } from './report.ts';
import { decideService } from './service.ts';
import type { PrometheusClient } from './sources/prometheus.ts';
import type { Blocker } from './status.ts';

const CONTROLLER = 'scaling';
const POLICIES = 'scalingpolicies';
const SERVICES = 'projectservices';

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

type Service = ProjectService & KubernetesObject;

export class ScalingController implements Controller {
  readonly name = CONTROLLER;
  readonly #o: ScalingControllerOptions;
  readonly #custom: CustomObjectsApi;
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
  /** Per policy: the generation last evaluated on a change. */
  readonly #generations = new Map<string, number | undefined>();
  readonly #actuator: Actuator;
  readonly #sources: ObserveSources;
  readonly #report: ReportContext;

  constructor(kc: KubeConfig, options: ScalingControllerOptions) {
    this.#o = options;
    this.#custom = kc.makeApiClient(CustomObjectsApi);
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
    this.#actuator = new Actuator({
      custom: this.#custom,
      objects: KubernetesObjectApi.makeApiClient(kc),
      events: options.events,
      log: options.log,
      hpas: (namespace) => this.#hpas.list(namespace),
    });
    this.#sources = {
      custom: this.#custom,
      prometheus: options.prometheus,
      prometheusUrl: options.prometheusUrl,
      prometheusAllowed: options.prometheusAllowed,
      scaling: options.scaling,
      nodes: () => this.#nodes.list(),
      allPods: () => this.#pods.list(),
      topologies: () => this.#topologies.list(),
      memory: (key) => this.#memory.get(key),
    };
    this.#report = { custom: this.#custom, events: options.events, stopped: () => this.#runtime.stopped };
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
      this.#actuator.forget(key);
      return;
    }
    const nowMs = Date.now();
    const id = newDecisionId(nowMs);
    const ps = this.#services.get(name, namespace);
    if (!ps || ps.metadata?.deletionTimestamp) {
      const blocker: Blocker = { reason: 'TargetNotFound', message: `ProjectService ${name} not found` };
      for (const p of policies) await reportPolicy(this.#report, p, undefined, undefined, blocker, 0, nowMs);
      return;
    }
    const current = ps.spec.replicas ?? 1;
    const servicePods = this.#pods
      .list(namespace)
      .filter((p) => p.metadata?.labels?.[SERVICE_LABEL] === name);
    const inputs = await observe(this.#sources, namespace, name, policies, servicePods, current, nowMs);
    const decision = decideService(inputs, current, nowMs, id);
    const blocker = await this.#actuator.act(key, ps, decision, nowMs);
    for (const [i, p] of policies.entries()) {
      const policyKey = `${namespace}/${p.metadata?.name}`;
      const outcome = decision.outcomes[i];
      let memory = outcome?.memory ?? EMPTY_MEMORY;
      if (decision.actuate && !blocker) memory = recordScale(memory, nowMs, decision.from, decision.to);
      this.#memory.set(policyKey, memory);
      await reportPolicy(this.#report, p, decision, outcome?.name, blocker, current, nowMs);
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
}
