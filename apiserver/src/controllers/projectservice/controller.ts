// The ProjectService controller: informers on ProjectServices (through the aggregation
// layer) and on the children and pods it manages feed the controller runtime, whose workers
// reconcile one service at a time:
//   observe (observe.ts: render and the exposure plan against the live children, with
//   host-ownership.ts's view of the cluster's routes) → act (realise.ts: apply, delete,
//   replace) → record the realised spec (history.ts) and the Events, then the status
//   (report.ts).
// Nothing here decides what a child should look like: render.ts, exposure.ts, drift.ts and
// status.ts do, purely.

import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  type V1Ingress,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ControllerMetrics } from '../../../../common/controller/metrics.ts';
import { type Controller, ControllerRuntime } from '../../../../common/controller/runtime.ts';
import { customResourceSource, type Informer } from '../../../../common/informer.ts';
import type { KubeClient } from '../../../../common/kube/client.ts';
import type { Logger } from '../../../../common/log.ts';
import { API_VERSION, APPS_GROUP, SERVICE_LABEL } from '../../../../common/names.ts';
import { classifyFailure } from '../errors.ts';
import type { EventInput, EventRecorder } from '../events.ts';
import { AppliedMemory } from './applied.ts';
import { ChildClient, type ChildField, type ChildKind, childPath, kindOf, MANAGED } from './children.ts';
import { recordRevision } from './history.ts';
import { httpRoutes, refusedHost } from './host-ownership.ts';
import { observe } from './observe.ts';
import { realise } from './realise.ts';
import { PROJECT_SERVICE, report } from './report.ts';

const CONTROLLER = 'projectservice';
/** Every service is looked at again this often, whatever happened. */
const RESYNC_MS = 5 * 60_000;
/** A service waiting for the Gateway API CRDs is looked at again this often. */
const GATEWAY_API_RETRY_MS = 15_000;

export interface ControllerOptions {
  /** Plain-JSON client for the children (apply, read, list). */
  kube: KubeClient;
  workers: number;
  events: EventRecorder;
  metrics: ControllerMetrics;
  log: Logger;
}

export class ProjectServiceController implements Controller {
  readonly name = CONTROLLER;
  readonly #o: ControllerOptions;
  readonly #objects: KubernetesObjectApi;
  readonly #custom: CustomObjectsApi;
  readonly #childClient: ChildClient;
  readonly #runtime: ControllerRuntime;
  readonly #services: Informer<ProjectService & KubernetesObject>;
  readonly #children: Record<Exclude<ChildField, 'httpRoute'>, Informer<KubernetesObject>>;
  readonly #pods: Informer<V1Pod>;
  readonly #applied = new AppliedMemory();
  /** Generations whose ControllerRevision this term has recorded, per service key. */
  readonly #recorded = new Map<string, number>();

  constructor(kc: KubeConfig, options: ControllerOptions) {
    this.#o = options;
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#childClient = new ChildClient(options.kube, this.#objects);
    this.#runtime = new ControllerRuntime({
      workers: options.workers,
      resyncMs: RESYNC_MS,
      metrics: options.metrics,
      log: options.log,
      watch: new Watch(kc),
    });
    const core = kc.makeApiClient(CoreV1Api);
    const enqueue = (namespace: string | undefined, name: string | undefined) =>
      this.#runtime.enqueue(namespace, name);
    const self = (ps: KubernetesObject) => enqueue(ps.metadata?.namespace, ps.metadata?.name);
    this.#services = this.#runtime.informer<ProjectService & KubernetesObject>({
      name: PROJECT_SERVICE.plural,
      ...customResourceSource(this.#custom, {
        group: APPS_GROUP,
        version: API_VERSION,
        plural: PROJECT_SERVICE.plural,
      }),
      onUpsert: self,
      onDelete: self,
    });
    const byOwner = (o: KubernetesObject) => {
      const owner = o.metadata?.ownerReferences?.find(
        (r) =>
          r.controller === true &&
          r.kind === PROJECT_SERVICE.kind &&
          r.apiVersion === `${APPS_GROUP}/${API_VERSION}`,
      );
      if (owner) enqueue(o.metadata?.namespace, owner.name);
    };
    // Listed as plain JSON: what the cache holds must compare equal to what render says.
    const child = (kind: ChildKind) =>
      this.#runtime.informer<KubernetesObject>({
        name: kind.plural,
        path: childPath(kind),
        list: () =>
          options.kube.request<KubernetesListObject<KubernetesObject>>('GET', childPath(kind), {
            query: { labelSelector: MANAGED },
          }),
        labelSelector: MANAGED,
        onUpsert: byOwner,
        onDelete: byOwner,
      });
    const services = child(kindOf('service'));
    // Every Ingress, not only ours: host ownership looks at other namespaces' too. A deleted
    // one may free a host a service was refused.
    const ingresses = this.#runtime.informer<KubernetesObject>({
      name: 'ingresses',
      path: childPath(kindOf('ingress')),
      list: () =>
        options.kube.request<KubernetesListObject<KubernetesObject>>('GET', childPath(kindOf('ingress'))),
      onUpsert: byOwner,
      onDelete: (o) => {
        byOwner(o);
        for (const ps of refusedHost(this.#services.list())) self(ps);
      },
    });
    this.#children = {
      deployment: child(kindOf('deployment')),
      service: services,
      configMap: child(kindOf('configMap')),
      dataClaim: child(kindOf('dataClaim')),
      nodePortService: services,
      ingress: ingresses,
    };
    const byServiceLabel = (pod: V1Pod) =>
      enqueue(pod.metadata?.namespace, pod.metadata?.labels?.[SERVICE_LABEL]);
    this.#pods = this.#runtime.informer<V1Pod>({
      name: 'pods',
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces({ labelSelector: MANAGED }),
      labelSelector: MANAGED,
      onUpsert: byServiceLabel,
      onDelete: byServiceLabel,
    });
  }

  /** True once every informer has listed once: reconciles then see the whole picture. */
  synced(): boolean {
    return this.#runtime.synced();
  }

  start(): Promise<void> {
    return this.#runtime.start({
      name: CONTROLLER,
      reconcile: (key) => this.#reconcile(key),
      keys: () => this.#services.list().map((ps) => `${ps.metadata?.namespace}/${ps.metadata?.name}`),
      classify: classifyFailure,
    });
  }

  stop(): Promise<void> {
    return this.#runtime.stop();
  }

  async #reconcile(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const ps = this.#services.get(name, namespace);
    // Gone or going: the garbage collector removes the children through their ownerReferences.
    if (!ps || ps.metadata?.deletionTimestamp) {
      this.#applied.forget(key);
      this.#recorded.delete(key);
      return;
    }
    const stopped = () => this.#runtime.stopped;
    const newGeneration = ps.status?.observedGeneration !== ps.metadata?.generation;
    const { plans, exposureProblems } = await observe(ps, {
      cached: (field, child, ns) => this.#children[field].get(child, ns),
      ingresses: () => this.#children.ingress.list() as V1Ingress[],
      routes: await httpRoutes(this.#custom, ps),
      children: this.#childClient,
    });
    const outcome = await realise(ps, plans, newGeneration, exposureProblems, {
      children: this.#childClient,
      applied: this.#applied,
      stopped,
    });
    if (exposureProblems.some((p) => p.reason === 'GatewayAPIUnavailable'))
      setTimeout(() => this.#runtime.enqueue(namespace, name), GATEWAY_API_RETRY_MS).unref();
    if (outcome === 'abandoned') return;
    // Recorded once per generation and term: a burst's repeated passes list nothing more.
    // Written alongside the Events, before the status (report.ts).
    const generation = ps.metadata?.generation ?? 0;
    const history =
      newGeneration && !outcome.applyError && this.#recorded.get(key) !== generation
        ? this.#recordRevision(key, generation, ps)
        : undefined;
    const pods = this.#pods.list(namespace).filter((p) => p.metadata?.labels?.[SERVICE_LABEL] === name);
    await report(ps, outcome, pods, { custom: this.#custom, events: this.#o.events, stopped, history });
  }

  /** Records the revision; settles with the Events to record about it. */
  async #recordRevision(key: string, generation: number, ps: ProjectService): Promise<EventInput[]> {
    const events: EventInput[] = [];
    if (await recordRevision(this.#objects, this.#childClient, ps, events))
      this.#recorded.set(key, generation);
    return events;
  }
}
