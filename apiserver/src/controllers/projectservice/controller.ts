// The ProjectService controller's I/O edge: informers on ProjectServices (through the
// aggregation layer) and on the children and pods the controller manages, a work queue keyed
// namespace/name, and the reconcile that ties the pure core together:
//   render → for each child: drift against the live object → server-side apply (force, under
//   FIELD_MANAGER) on a new generation or a drift; delete an owned child render no longer
//   wants; delete and recreate on Replace; a NotOwned one (a name someone else took) stops
//   every write and is reported as NameConflict → computeStatus → write the status
//   subresource only when it changed.
// Events say what was created, updated, repaired or refused. Decisions live in render.ts,
// drift.ts and status.ts; nothing here decides what a child should look like.

import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1ConfigMap,
  type V1Deployment,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ControllerMetrics } from '../../../../common/controller/metrics.ts';
import { type Controller, ControllerRuntime, type Failure } from '../../../../common/controller/runtime.ts';
import type { Informer } from '../../../../common/informer.ts';
import type { Logger } from '../../../../common/log.ts';
import { API_VERSION, APPS_GROUP, RESTARTED_AT_ANNOTATION, SERVICE_LABEL } from '../../../../common/names.ts';
import { apiFailure, isNamespaceTerminating, isPermanent } from '../errors.ts';
import type { EventInput, EventRecorder } from '../events.ts';
import { type Drift, drift, driftEvent, type KubeObject } from './drift.ts';
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

export interface ControllerOptions {
  workers: number;
  events: EventRecorder;
  metrics: ControllerMetrics;
  log: Logger;
}

/** The children a ProjectService may have, by the field of `Children` that renders each. */
const CHILD_KINDS = [
  { field: 'deployment', apiVersion: 'apps/v1', kind: 'Deployment' },
  { field: 'service', apiVersion: 'v1', kind: 'Service' },
  { field: 'configMap', apiVersion: 'v1', kind: 'ConfigMap' },
] as const;
type ChildField = (typeof CHILD_KINDS)[number]['field'];

interface ChildHeader {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
}

/** One child: as rendered (none: must not exist), as it lives, and how they differ. */
interface Plan {
  child: (typeof CHILD_KINDS)[number];
  header: ChildHeader;
  want: Children[ChildField];
  current: KubernetesObject | undefined;
  found: Drift | undefined;
}

/** What realising the plans left: the live children, a refusal, and the Events to record. */
interface Realised {
  live: Partial<Record<ChildField, KubernetesObject>>;
  applyError: ApplyError | undefined;
  events: EventInput[];
}

export class ProjectServiceController implements Controller {
  readonly name = CONTROLLER;
  readonly #o: ControllerOptions;
  readonly #objects: KubernetesObjectApi;
  readonly #custom: CustomObjectsApi;
  readonly #runtime: ControllerRuntime;
  readonly #services: Informer<ProjectService & KubernetesObject>;
  readonly #children: Record<ChildField, Informer<KubernetesObject>>;
  readonly #pods: Informer<V1Pod>;

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
    const apps = kc.makeApiClient(AppsV1Api);
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
    const child = <T extends KubernetesObject>(
      name: string,
      path: string,
      list: () => Promise<KubernetesListObject<T>>,
    ) =>
      this.#runtime.informer<T>({
        name,
        path,
        list,
        labelSelector: MANAGED,
        onUpsert: byOwner,
        onDelete: byOwner,
      }) as unknown as Informer<KubernetesObject>;
    this.#children = {
      deployment: child('deployments', '/apis/apps/v1/deployments', () =>
        apps.listDeploymentForAllNamespaces({ labelSelector: MANAGED }),
      ),
      service: child('services', '/api/v1/services', () =>
        core.listServiceForAllNamespaces({ labelSelector: MANAGED }),
      ),
      configMap: child('configmaps', '/api/v1/configmaps', () =>
        core.listConfigMapForAllNamespaces({ labelSelector: MANAGED }),
      ),
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
    if (!ps || ps.metadata?.deletionTimestamp) return;
    const newGeneration = ps.status?.observedGeneration !== ps.metadata?.generation;
    const plans = await this.#observe(ps);
    const outcome = await this.#realise(ps, plans, newGeneration);
    if (outcome === 'abandoned') return;
    // Issue 12 (rollback): record the realised spec as a ControllerRevision. Kept to this one
    // call and the method below so the controller-runtime move can re-hook it in one place.
    if (newGeneration && !outcome.applyError) await this.#recordRevision(ps, outcome);
    await this.#report(ps, outcome);
  }

  /**
   * Each child as rendered and as it lives, with their drift. A child the cache says is out
   * of sync is read again first: the cache may lag the controller's own last write.
   */
  async #observe(ps: ProjectService): Promise<Plan[]> {
    const namespace = ps.metadata.namespace ?? '';
    const uid = ps.metadata.uid ?? '';
    const desired = render(ps);
    const names = childNames(ps);
    const childName: Record<ChildField, string> = {
      deployment: names.deployment,
      service: names.service,
      configMap: names.configMap,
    };
    const plans: Plan[] = [];
    for (const child of CHILD_KINDS) {
      const want = desired[child.field] as Children[ChildField];
      const header: ChildHeader = {
        apiVersion: child.apiVersion,
        kind: child.kind,
        metadata: { name: childName[child.field], namespace },
      };
      let current = this.#children[child.field].get(header.metadata.name, namespace);
      let found: Drift | undefined;
      if (want) {
        found = drift(want as KubeObject, current as KubeObject | undefined, uid);
        if (found.state !== 'InSync') {
          current = await this.#read(header);
          found = drift(want as KubeObject, current as KubeObject | undefined, uid);
        }
      }
      plans.push({ child, header, want, current, found });
    }
    return plans;
  }

  /**
   * Brings the children to the plans: apply (on a new generation or a drift), delete an owned
   * child no longer rendered, delete and recreate on Replace. A name taken by someone else
   * stops every write, so a service is never half-built around a foreign object.
   */
  async #realise(ps: ProjectService, plans: Plan[], newGeneration: boolean): Promise<Realised | 'abandoned'> {
    const uid = ps.metadata.uid ?? '';
    const result: Realised = { live: {}, applyError: undefined, events: [] };
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
      if (found.state === 'InSync' && !newGeneration && current) {
        result.live[child.field] = current;
        continue;
      }
      if (found.state === 'Replace' && current) await this.#delete(header);
      try {
        result.live[child.field] = await this.#objects.patch(
          want as KubernetesObject,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        );
      } catch (error) {
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

  /** Writes the revision for the spec just realised and prunes old ones (revisions.ts decides). */
  async #recordRevision(ps: ProjectService, realised: Realised): Promise<void> {
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
    } catch (error) {
      // History is a convenience: never let it stop a service from being realised.
      realised.events.push({
        type: 'Warning',
        reason: 'RevisionFailed',
        message: `recording the revision failed: ${apiFailure(error).message}`,
      });
    }
  }

  async #delete(header: ChildHeader): Promise<void> {
    await this.#objects
      .delete(header, undefined, undefined, undefined, undefined, 'Background')
      .catch(notFoundIsFine);
  }

  async #read(header: ChildHeader): Promise<KubernetesObject | undefined> {
    try {
      return await this.#objects.read(header);
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
