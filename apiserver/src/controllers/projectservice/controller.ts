// The ProjectService controller's I/O edge: informers on ProjectServices (through the
// aggregation layer) and on the children and pods the controller manages, a work queue keyed
// namespace/name, and the reconcile that ties the pure core together:
//   render → for each child: drift against the live object → server-side apply (force, under
//   FIELD_MANAGER) on a drift, or on a new generation unless this very render was applied
//   already (applied.ts); delete an owned child render no longer
//   wants; delete and recreate on Replace; a NotOwned one (a name someone else took) stops
//   every write and is reported as NameConflict → computeStatus → write the status
//   subresource only when it changed.
// Children are applied, read and listed as plain JSON through common/kube's client, not
// client-node's ObjectSerializer, which assigns keys and so loses a config file named
// `__proto__`.
// Exposure (exposure.ts decides): a NodePort Service, an Ingress and an HTTPRoute are children
// like the others; what the cluster holds for them (every Ingress, through an unfiltered
// informer; the HTTPRoutes, listed while a service has or had one, which also tells whether
// Gateway API is served) is read here and handed to planExposure.
// Events say what was created, updated, repaired or refused. Decisions live in render.ts,
// drift.ts and status.ts; nothing here decides what a child should look like.

import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1ConfigMap,
  type V1Deployment,
  type V1Ingress,
  type V1Pod,
  type V1Service,
  Watch,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ControllerMetrics } from '../../../../common/controller/metrics.ts';
import { type Controller, ControllerRuntime, type Failure } from '../../../../common/controller/runtime.ts';
import type { Informer } from '../../../../common/informer.ts';
import type { KubeClient } from '../../../../common/kube/client.ts';
import type { Logger } from '../../../../common/log.ts';
import { API_VERSION, APPS_GROUP, RESTARTED_AT_ANNOTATION, SERVICE_LABEL } from '../../../../common/names.ts';
import { apiFailure, isNamespaceTerminating, isPermanent } from '../errors.ts';
import type { EventInput, EventRecorder } from '../events.ts';
import { AppliedMemory, appliedText, needsApply } from './applied.ts';
import { type Drift, drift, driftEvent, type KubeObject } from './drift.ts';
import {
  claimOf,
  type ExposureChildren,
  type ExposureProblem,
  exposureNames,
  GATEWAY_GROUP,
  type HTTPRoute,
  planExposure,
} from './exposure.ts';
import { childNames, FIELD_MANAGER, MANAGED_BY } from './identity.ts';
import { type Children, render } from './render.ts';
import { nextRevision, revisionsToPrune, type StoredRevision } from './revisions.ts';
import { type ApplyError, computeStatus } from './status.ts';

const CONTROLLER = 'projectservice';
const PLURAL = 'projectservices';
const KIND = 'ProjectService';
const MANAGED = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
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

/** The children a ProjectService may have, by the field of `Children` that renders each. */
const CHILD_KINDS = [
  { field: 'deployment', apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  { field: 'service', apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { field: 'configMap', apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { field: 'dataClaim', apiVersion: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims' },
  { field: 'nodePortService', apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { field: 'ingress', apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses' },
  { field: 'httpRoute', apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'HTTPRoute', plural: 'httproutes' },
] as const;
type ChildKind = (typeof CHILD_KINDS)[number];

/** The API path of a child kind, all namespaces or one object. */
function childPath(child: ChildKind, namespace?: string, name?: string): string {
  const prefix = child.apiVersion === 'v1' ? '/api/v1' : `/apis/${child.apiVersion}`;
  if (namespace === undefined) return `${prefix}/${child.plural}`;
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${child.plural}/${encodeURIComponent(name ?? '')}`;
}
type ChildField = (typeof CHILD_KINDS)[number]['field'];
type Desired = Children & ExposureChildren;

interface ChildHeader {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

/** One child: as rendered (none: must not exist), as it lives, and how they differ. */
interface Plan {
  child: (typeof CHILD_KINDS)[number];
  header: ChildHeader;
  want: Desired[ChildField];
  current: KubernetesObject | undefined;
  found: Drift | undefined;
}

/** What realising the plans left: the live children, a refusal, and the Events to record. */
interface Realised {
  live: Partial<Record<ChildField, KubernetesObject>>;
  applyError: ApplyError | undefined;
  events: EventInput[];
  /** Exposures the cluster refused (a taken host, no Gateway API). */
  exposureProblems: ExposureProblem[];
}

/** The plans, and what planning the exposure found the cluster refuses. */
interface Observation {
  plans: Plan[];
  exposureProblems: ExposureProblem[];
}

export class ProjectServiceController implements Controller {
  readonly name = CONTROLLER;
  readonly #o: ControllerOptions;
  readonly #objects: KubernetesObjectApi;
  readonly #custom: CustomObjectsApi;
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
      name: PLURAL,
      path: `/apis/${APPS_GROUP}/${API_VERSION}/${PLURAL}`,
      list: () =>
        this.#custom.listClusterCustomObject({
          group: APPS_GROUP,
          version: API_VERSION,
          plural: PLURAL,
        }) as Promise<KubernetesListObject<ProjectService & KubernetesObject>>,
      onUpsert: self,
      onDelete: self,
    });
    const byOwner = (o: KubernetesObject) => {
      const owner = o.metadata?.ownerReferences?.find(
        (r) => r.controller === true && r.kind === KIND && r.apiVersion === `${APPS_GROUP}/${API_VERSION}`,
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
    const kindOf = (field: ChildField) => CHILD_KINDS.find((k) => k.field === field) as ChildKind;
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
        this.#retryRefusedHosts();
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
      classify,
    });
  }

  stop(): Promise<void> {
    return this.#runtime.stop();
  }

  get #stopped(): boolean {
    return this.#runtime.stopped;
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
    const newGeneration = ps.status?.observedGeneration !== ps.metadata?.generation;
    const { plans, exposureProblems } = await this.#observe(ps);
    const outcome = await this.#realise(ps, plans, newGeneration);
    if (outcome !== 'abandoned') outcome.exposureProblems = exposureProblems;
    if (exposureProblems.some((p) => p.reason === 'GatewayAPIUnavailable'))
      setTimeout(() => this.#runtime.enqueue(namespace, name), GATEWAY_API_RETRY_MS).unref();
    if (outcome === 'abandoned') return;
    // Issue 12 (rollback): record the realised spec as a ControllerRevision. Kept to this one
    // call and the method below so the controller-runtime move can re-hook it in one place.
    // Recorded once per generation and term: a burst's repeated passes list nothing more.
    const generation = ps.metadata?.generation ?? 0;
    if (newGeneration && !outcome.applyError && this.#recorded.get(key) !== generation) {
      if (await this.#recordRevision(ps, outcome)) this.#recorded.set(key, generation);
    }
    await this.#report(ps, outcome);
  }

  /**
   * Each child as rendered and as it lives, with their drift. A child the cache says is out
   * of sync is read again first: the cache may lag the controller's own last write.
   */
  async #observe(ps: ProjectService): Promise<Observation> {
    const namespace = ps.metadata.namespace ?? '';
    const uid = ps.metadata.uid ?? '';
    const routes = await this.#httpRoutes(ps);
    const exposure = planExposure(ps, {
      claims: [
        ...(this.#children.ingress.list() as V1Ingress[]).map(claimOf),
        ...(routes ?? []).map(claimOf),
      ],
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
          ? routes?.find(
              (r) => r.metadata.namespace === namespace && r.metadata.name === header.metadata.name,
            )
          : this.#children[child.field].get(header.metadata.name, namespace);
      let found: Drift | undefined;
      if (want) {
        found = drift(want as KubeObject, current as KubeObject | undefined, uid);
        if (found.state !== 'InSync') {
          current = await this.#read(child, header);
          found = drift(want as KubeObject, current as KubeObject | undefined, uid);
        }
      }
      plans.push({ child, header, want, current, found });
    }
    return { plans, exposureProblems: exposure.problems };
  }

  /**
   * Every HTTPRoute of the cluster while the service asks for an HTTP route or had one (its
   * own must be found to be updated or deleted); undefined when Gateway API is not served.
   * Listed rather than watched: the CRDs may come and go while the controller runs.
   */
  async #httpRoutes(ps: ProjectService): Promise<HTTPRoute[] | undefined> {
    const routed = (ps.spec.ports ?? []).some(
      (p) => p.expose?.type === 'Ingress' || p.expose?.type === 'HTTPRoute',
    );
    const had =
      ps.status?.endpoints?.some((e) => e.type === 'HTTPRoute') ||
      ps.status?.conditions?.some((c) => c.type === 'Exposed');
    if (!routed && !had) return [];
    try {
      const list = (await this.#custom.listClusterCustomObject({
        group: GATEWAY_GROUP,
        version: 'v1',
        plural: 'httproutes',
      })) as { items?: HTTPRoute[] };
      return list.items ?? [];
    } catch (error) {
      if (apiFailure(error).code === 404) return undefined;
      throw error;
    }
  }

  /** Services refused a host are looked at again when an Ingress goes: the host may be free. */
  #retryRefusedHosts(): void {
    for (const ps of this.#services.list()) {
      if (ps.status?.conditions?.some((c) => c.type === 'Exposed' && c.reason === 'HostTaken'))
        this.#runtime.enqueue(ps.metadata?.namespace, ps.metadata?.name);
    }
  }

  /**
   * Brings the children to the plans: apply (on a new generation or a drift), delete an owned
   * child no longer rendered, delete and recreate on Replace. A name taken by someone else
   * stops every write, so a service is never half-built around a foreign object.
   */
  async #realise(ps: ProjectService, plans: Plan[], newGeneration: boolean): Promise<Realised | 'abandoned'> {
    const uid = ps.metadata.uid ?? '';
    const service = `${ps.metadata.namespace ?? ''}/${ps.metadata.name ?? ''}`;
    const result: Realised = { live: {}, applyError: undefined, events: [], exposureProblems: [] };
    const conflict = plans.find((p) => p.found?.state === 'NotOwned');
    if (conflict?.found) {
      const { kind } = conflict.child;
      const name = conflict.header.metadata.name;
      const message = driftEvent(kind, name, conflict.found)?.message ?? `${kind} ${name} is not ours`;
      result.applyError = { reason: 'NameConflict', message };
      if (newGeneration || ps.status?.phase !== 'Failed') {
        result.events.push({ type: 'Warning', reason: 'NameConflict', message });
      }
      for (const { child, current } of plans) {
        if (current && isOwnedBy(current, uid)) result.live[child.field] = current;
      }
      return result;
    }
    for (const { child, header, want, current, found } of plans) {
      // Stopped (leadership lost) mid-reconcile: write nothing more.
      if (this.#stopped) return 'abandoned';
      const name = header.metadata.name;
      if (!want || !found) {
        this.#applied.forget(service, child.field);
        if (current && isOwnedBy(current, uid)) {
          await this.#delete(header);
          result.events.push({
            type: 'Normal',
            reason: 'Deleted',
            message: `${child.kind} ${name} is no longer needed; deleted it`,
          });
        }
        continue;
      }
      const text = appliedText(want);
      if (current && !needsApply(found, newGeneration, this.#applied.get(service, child.field), text)) {
        result.live[child.field] = current;
        continue;
      }
      if (found.state === 'Replace' && current) await this.#delete(header);
      try {
        result.live[child.field] = await this.#apply(child, header, text);
        this.#applied.remember(service, child.field, text);
      } catch (error) {
        this.#applied.forget(service, child.field);
        const failure = apiFailure(error);
        // The namespace controller is deleting the service and its children: leave it be.
        if (isNamespaceTerminating(failure)) return 'abandoned';
        if (!isPermanent(failure)) throw error;
        result.applyError = { reason: failure.reason, message: `${child.kind} ${name}: ${failure.message}` };
        if (newGeneration || ps.status?.phase !== 'Failed') {
          result.events.push({ type: 'Warning', reason: 'ApplyFailed', message: result.applyError.message });
        }
        continue;
      }
      const event = changeEvent(child.kind, name, found, newGeneration);
      if (event) result.events.push(event);
    }
    return result;
  }

  /** Records the Events, then writes the status subresource if the computed status changed. */
  async #report(ps: ProjectService, realised: Realised): Promise<void> {
    const namespace = ps.metadata.namespace ?? '';
    const name = ps.metadata.name ?? '';
    const pods = this.#pods.list(namespace).filter((p) => p.metadata?.labels?.[SERVICE_LABEL] === name);
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
      kind: KIND,
      name,
      namespace,
      uid: ps.metadata.uid,
      resourceVersion: ps.metadata.resourceVersion,
    };
    await Promise.all(realised.events.map((e) => this.#o.events.record(involved, e)));
    if (this.#stopped || canonical(status) === canonical(ps.status ?? {})) return;
    // A 404: deleted since the cache saw it, nothing left to report on. A 409: the next
    // reconcile computes status again on the newer object.
    await this.#custom
      .replaceNamespacedCustomObjectStatus({
        group: APPS_GROUP,
        version: API_VERSION,
        namespace,
        plural: PLURAL,
        name,
        body: { ...ps, apiVersion: `${APPS_GROUP}/${API_VERSION}`, kind: KIND, status },
      })
      .catch(notFoundIsFine);
  }

  /**
   * Writes the revision for the spec just realised and prunes old ones (revisions.ts decides).
   * False when it failed (an Event says so; the next pass tries again).
   */
  async #recordRevision(ps: ProjectService, realised: Realised): Promise<boolean> {
    const namespace = ps.metadata.namespace ?? '';
    try {
      const existing = await this.#objects.list<KubernetesObject & StoredRevision>(
        'apps/v1',
        'ControllerRevision',
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        `${SERVICE_LABEL}=${ps.metadata.name}`,
      );
      const mine = existing.items.filter((r) => isOwnedBy(r, ps.metadata.uid ?? ''));
      const { revision, action } = nextRevision(ps, mine);
      if (action === 'create') await this.#objects.create(revision);
      if (action === 'renumber')
        await this.#objects.patch(
          {
            apiVersion: 'apps/v1',
            kind: 'ControllerRevision',
            metadata: { name: revision.metadata.name, namespace },
            revision: revision.revision,
          } as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        );
      for (const name of revisionsToPrune(mine, revision.metadata.name))
        await this.#delete({
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: { name, namespace },
        });
      return true;
    } catch (error) {
      // History is a convenience: never let it stop a service from being realised.
      realised.events.push({
        type: 'Warning',
        reason: 'RevisionFailed',
        message: `recording the revision failed: ${apiFailure(error).message}`,
      });
      return false;
    }
  }

  /** Server-side apply of a rendered child, sent as the JSON text render produced. */
  #apply(child: ChildKind, header: ChildHeader, text: string): Promise<KubernetesObject> {
    return this.#o.kube.request<KubernetesObject>(
      'PATCH',
      childPath(child, header.metadata.namespace, header.metadata.name),
      {
        body: text,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: FIELD_MANAGER, force: true },
      },
    );
  }

  async #delete(header: ChildHeader): Promise<void> {
    await this.#objects
      .delete(header, undefined, undefined, undefined, undefined, 'Background')
      .catch(notFoundIsFine);
  }

  async #read(child: ChildKind, header: ChildHeader): Promise<KubernetesObject | undefined> {
    try {
      return await this.#o.kube.request<KubernetesObject>(
        'GET',
        childPath(child, header.metadata.namespace, header.metadata.name),
      );
    } catch (error) {
      if (apiFailure(error).code === 404) return undefined;
      throw error;
    }
  }
}

/** What happened to a child, as an Event: Normal for a spec change, Warning for a repaired drift. */
function changeEvent(
  kind: string,
  name: string,
  found: Drift,
  newGeneration: boolean,
): EventInput | undefined {
  if (!newGeneration && isRestart(found))
    return { type: 'Normal', reason: 'Restarting', message: `rolling restart of ${kind} ${name} requested` };
  if (!newGeneration) return driftEvent(kind, name, found);
  if (found.state === 'Missing')
    return { type: 'Normal', reason: 'Created', message: `created ${kind} ${name}` };
  if (found.state === 'InSync') return undefined;
  return { type: 'Normal', reason: 'Updated', message: `updated ${kind} ${name} to the new spec` };
}

/** The only change is the restart annotation `kubectl hpc restart` set: a restart, not a repair. */
function isRestart(found: Drift): boolean {
  const onlyTheAnnotation = (d: { path: string; desired: unknown }) =>
    d.path.endsWith(`annotations.${RESTARTED_AT_ANNOTATION}`) ||
    // The pod template had no annotations at all yet: the whole map is the difference.
    (d.path.endsWith('template.metadata.annotations') &&
      typeof d.desired === 'object' &&
      d.desired !== null &&
      Object.keys(d.desired).join() === RESTARTED_AT_ANNOTATION);
  return found.state === 'Changed' && found.differences.every(onlyTheAnnotation);
}

/** A 409 is a lost race, retried quietly; anything else counts as an error. */
function classify(error: unknown): Failure {
  const failure = apiFailure(error);
  return { quiet: failure.code === 409, reason: failure.reason, message: failure.message };
}

function isOwnedBy(o: KubernetesObject, uid: string): boolean {
  return o.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid) ?? false;
}

function notFoundIsFine(error: unknown): void {
  if (apiFailure(error).code !== 404) throw error;
}

/** JSON with object keys sorted, so equal statuses compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
