// The generic REST registry: create, get, list, update, patch, delete, deletecollection and
// watch of one resource over ResourceStore, plus its status and scale subresources, with
// Kubernetes' metadata semantics (uid, generation bumped on spec change only,
// creationTimestamp, generateName, finalizers and deletionTimestamp, preconditions,
// optimistic concurrency). Per-resource differences come from the Strategy. Knows nothing
// of HTTP: the server turns requests into these calls and StatusErrors into responses.

import { randomBytes, randomUUID } from 'node:crypto';
import { decode, type FieldValidation, validateObject } from '../../../common/apis/decode.ts';
import { apiVersionOf } from '../../../common/apis/kind.ts';
import { errors, type StatusError } from '../../../common/apis/meta/errors.ts';
import { apply, updateManagedFields } from '../../../common/apis/meta/managedfields.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../common/apis/meta/patch.ts';
import {
  matchesFields,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../common/apis/meta/selectors.ts';
import type { ManagedFieldsEntry, TypedObject } from '../../../common/apis/meta/types.ts';
import { prune } from '../../../common/apis/schema.ts';
import type { ListResult, ResourceStore, StoreWatch } from '../storage/store.ts';
import type { Requester, Strategy } from './strategy.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** Who makes the change, for managedFields (?fieldManager=, or from the User-Agent). */
  fieldManager?: string;
  /** Who asks, for the strategy's admission checks (issue 14: references checked as the user). */
  requester?: Requester;
}

export interface ApplyOptions extends WriteOptions {
  force: boolean;
}

const DEFAULT_MANAGER = 'unknown';

export interface ListOptions {
  limit?: number;
  continue?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface DeleteOptions {
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export interface Written<T> {
  object: T;
  warnings: string[];
  /** Set when a write that may create (server-side apply) did create the object. */
  created?: boolean;
  /** What admission admitted and on whose permissions, for Events (none on a dry run). */
  admitted?: string[];
}

export interface Deleted<T> {
  object: T;
  /** False when finalizers hold the object: it now only carries a deletionTimestamp. */
  deleted: boolean;
}

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

export interface WatchSink<T> {
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK', object: T): void;
  end(error?: StatusError): void;
}

/** Checks a namespace may receive new objects (exists, not terminating). */
export type NamespaceCheck = (namespace: string) => Promise<void>;

/** How often a watch that allows bookmarks gets one, as kube-apiserver's (about a minute). */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;

const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';

function specOf(object: { spec?: unknown }): string {
  return JSON.stringify(object.spec ?? null);
}

export class Registry<Spec, Status> {
  readonly strategy: Strategy<Spec, Status>;
  readonly #store: ResourceStore<TypedObject<Spec, Status>>;
  readonly #checkNamespace: NamespaceCheck;
  readonly #bookmarkIntervalMs: number;

  constructor(
    strategy: Strategy<Spec, Status>,
    store: ResourceStore<TypedObject<Spec, Status>>,
    checkNamespace: NamespaceCheck = async () => undefined,
    options: { bookmarkIntervalMs?: number } = {},
  ) {
    this.strategy = strategy;
    this.#store = store;
    this.#checkNamespace = checkNamespace;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS;
  }

  get #def() {
    return this.strategy.definition;
  }

  #target(name?: string) {
    return { group: this.#def.group, resource: this.#def.plural, ...(name !== undefined ? { name } : {}) };
  }

  async get(namespace: string, name: string): Promise<TypedObject<Spec, Status>> {
    return this.#store.get(namespace, name);
  }

  async create(
    namespace: string,
    body: unknown,
    options: WriteOptions,
    managedFields?: ManagedFieldsEntry[],
  ): Promise<Written<TypedObject<Spec, Status>>> {
    const { object, warnings } = decode(this.#def, body, options.fieldValidation);
    const meta = object.metadata;
    if (meta.namespace && meta.namespace !== namespace) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    object.metadata = {
      ...meta,
      namespace,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    delete object.metadata.resourceVersion;
    delete object.metadata.deletionTimestamp;
    delete object.metadata.deletionGracePeriodSeconds;
    // Status is the controller's to write, through the status subresource.
    delete object.status;
    object.metadata.managedFields =
      managedFields ??
      updateManagedFields(
        undefined,
        object as unknown as Record<string, unknown>,
        undefined,
        options.fieldManager ?? DEFAULT_MANAGER,
        apiVersionOf(this.#def),
        this.#def.schema,
        '',
      );
    warnings.push(...validateObject(this.#def, object));
    await this.#checkNamespace(namespace);
    const admitted = (await this.strategy.admit?.(options.requester, object, undefined)) ?? [];
    const name = object.metadata.name as string;
    if (options.dryRun) {
      await this.#store.get(namespace, name).then(
        () => {
          throw errors.alreadyExists(this.#target(name));
        },
        (error: StatusError) => {
          if (error.code !== 404) throw error;
        },
      );
      return { object, warnings };
    }
    return { object: await this.#store.create(namespace, name, object), warnings, admitted };
  }

  async list(namespace: string | undefined, options: ListOptions): Promise<Record<string, unknown>> {
    const matches = this.#matcher(options);
    const limit = options.limit && options.limit > 0 ? options.limit : undefined;
    const exact =
      options.resourceVersionMatch === 'Exact' && options.resourceVersion
        ? Number(options.resourceVersion)
        : undefined;
    if (exact !== undefined && !(Number.isInteger(exact) && exact > 0)) {
      throw errors.badRequest(`invalid resource version: ${options.resourceVersion}`);
    }
    const items: TypedObject<Spec, Status>[] = [];
    let page: ListResult<TypedObject<Spec, Status>>;
    let token = options.continue;
    // Selectors filter after reading, so keep reading pages until the limit is filled.
    for (;;) {
      page = await this.#store.list(namespace, {
        ...(limit ? { limit: limit - items.length } : {}),
        ...(token ? { continue: token } : {}),
        ...(exact && !token ? { revision: exact } : {}),
      });
      items.push(...page.items.filter(matches));
      token = page.continue;
      if (!token || !limit || items.length >= limit) break;
    }
    return {
      apiVersion: apiVersionOf(this.#def),
      kind: this.#def.listKind,
      metadata: {
        resourceVersion: page.resourceVersion,
        ...(page.continue ? { continue: page.continue } : {}),
        ...(page.continue &&
        page.remainingItemCount !== undefined &&
        !options.labelSelector &&
        !options.fieldSelector
          ? { remainingItemCount: page.remainingItemCount }
          : {}),
      },
      items: items.map((item) => ({ ...item, apiVersion: apiVersionOf(this.#def), kind: this.#def.kind })),
    };
  }

  #matcher(
    options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>,
  ): (o: TypedObject<Spec, Status>) => boolean {
    const labels = parseLabelSelector(options.labelSelector);
    const selectable = this.#def.selectableFields;
    const fields = parseFieldSelector(options.fieldSelector, [
      'metadata.name',
      'metadata.namespace',
      ...Object.keys(selectable),
    ]);
    return (o) =>
      labels(o.metadata.labels) &&
      matchesFields(fields, (f) => {
        if (f === 'metadata.name') return o.metadata.name;
        if (f === 'metadata.namespace') return o.metadata.namespace;
        return selectable[f]?.(o);
      });
  }

  /**
   * The common path of update, patch, status and scale writes. A status write keeps spec and
   * metadata as stored; the others keep status. `subresource` names the write in managedFields.
   */
  async #write(
    namespace: string,
    name: string,
    options: WriteOptions,
    produce: (current: TypedObject<Spec, Status>) => {
      next: TypedObject<Spec, Status>;
      warnings: string[];
      managedFields?: ManagedFieldsEntry[];
    },
    subresource: '' | 'status' | 'scale',
  ): Promise<Written<TypedObject<Spec, Status>>> {
    let warnings: string[] = [];
    let admitted: string[] = [];
    let dryRunResult: TypedObject<Spec, Status> | undefined;
    const transform = async (current: TypedObject<Spec, Status>) => {
      const produced = produce(structuredClone(current));
      warnings = produced.warnings;
      const next = produced.next;
      const managedFields = produced.managedFields;
      const requested = next.metadata.resourceVersion;
      if (requested && requested !== current.metadata.resourceVersion) {
        throw errors.conflict(
          this.#target(name),
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      }
      if (next.metadata.name !== undefined && next.metadata.name !== name) {
        throw errors.badRequest(
          `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      if (next.metadata.namespace !== undefined && next.metadata.namespace !== namespace) {
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      const meta = current.metadata;
      if (subresource !== 'status') {
        // A main-resource write: status stays the controller's; metadata follows the request.
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
        next.metadata = {
          ...next.metadata,
          name,
          namespace,
          uid: meta.uid as string,
          creationTimestamp: meta.creationTimestamp as string,
          generation: (meta.generation ?? 1) + (specOf(next) === specOf(current) ? 0 : 1),
        };
        if (meta.deletionTimestamp) {
          next.metadata.deletionTimestamp = meta.deletionTimestamp;
          next.metadata.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds ?? 0;
          const added = (next.metadata.finalizers ?? []).filter((f) => !(meta.finalizers ?? []).includes(f));
          if (added.length > 0) {
            throw errors.invalid(this.#def, name, [
              {
                type: 'FieldValueForbidden',
                field: 'metadata.finalizers',
                message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
              },
            ]);
          }
        } else {
          delete next.metadata.deletionTimestamp;
          delete next.metadata.deletionGracePeriodSeconds;
        }
      } else {
        // A status write: everything but status stays as stored.
        next.spec = current.spec;
        next.metadata = meta;
      }
      delete next.metadata.resourceVersion;
      next.metadata.managedFields =
        managedFields ??
        updateManagedFields(
          current as unknown as Record<string, unknown>,
          next as unknown as Record<string, unknown>,
          current.metadata.managedFields,
          options.fieldManager ?? DEFAULT_MANAGER,
          apiVersionOf(this.#def),
          this.#def.schema,
          subresource,
        );
      const specWarnings = validateObject(this.#def, next);
      // A status or scale write leaves the spec as it was; its author is not the spec's.
      if (subresource === '') {
        warnings = [...warnings, ...specWarnings];
        admitted = (await this.strategy.admit?.(options.requester, next, current)) ?? [];
      }
      if (options.dryRun) {
        dryRunResult = {
          ...next,
          metadata: { ...next.metadata, resourceVersion: meta.resourceVersion as string },
        };
        return current;
      }
      return next;
    };
    const stored = await this.#store.update(namespace, name, transform);
    if (dryRunResult) return { object: dryRunResult, warnings };
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0) {
      // The last finalizer is gone: the deletion it held back happens now.
      const gone = await this.#store.delete(namespace, name, (current) => {
        if (current.metadata.resourceVersion !== stored.metadata.resourceVersion) {
          throw errors.conflict(this.#target(name), 'the object changed while finishing its deletion; retry');
        }
      });
      return { object: gone, warnings };
    }
    return { object: stored, warnings, admitted };
  }

  async update(
    namespace: string,
    name: string,
    body: unknown,
    options: WriteOptions,
    subresource: '' | 'status' = '',
  ): Promise<Written<TypedObject<Spec, Status>>> {
    const decoded = decode(this.#def, body, options.fieldValidation);
    // As for custom resources: an update must say which version it replaces (no blind overwrite).
    if (!decoded.object.metadata.resourceVersion) {
      throw errors.invalid(this.#def, decoded.object.metadata.name ?? name, [
        {
          type: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    return this.#write(
      namespace,
      name,
      options,
      () => ({ next: structuredClone(decoded.object), warnings: decoded.warnings }),
      subresource,
    );
  }

  async patch(
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options: WriteOptions,
    subresource: '' | 'status' = '',
  ): Promise<Written<TypedObject<Spec, Status>>> {
    return this.#write(
      namespace,
      name,
      options,
      (current) => {
        // The patch sees the current resourceVersion, as kube-apiserver's does: a patch that
        // leaves it alone applies to whatever is current, one that changes it is a precondition.
        const versioned = { ...current, apiVersion: apiVersionOf(this.#def), kind: this.#def.kind };
        const patched =
          type === 'json'
            ? jsonPatch(versioned, patch)
            : type === 'merge'
              ? mergePatch(versioned, patch)
              : strategicMergePatch(versioned, patch, this.#def.schema);
        const decoded = decode(this.#def, patched, options.fieldValidation);
        return { next: decoded.object, warnings: decoded.warnings };
      },
      subresource,
    );
  }

  /**
   * Server-side apply (application/apply-patch+yaml): merges the applied configuration,
   * tracks ownership per manager, 409 on conflicts unless forced; creates the object when
   * it does not exist yet, as kube-apiserver does.
   */
  async apply(
    namespace: string,
    name: string,
    body: unknown,
    options: ApplyOptions,
    subresource: '' | 'status' = '',
  ): Promise<Written<TypedObject<Spec, Status>>> {
    const manager = options.fieldManager;
    if (!manager)
      throw errors.badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
    // Envelope and unknown-field checks as for any write; the configuration itself stays undefaulted.
    const { warnings } = decode(this.#def, structuredClone(body), options.fieldValidation);
    const applied = prune(this.#def.schema, body).value as Record<string, unknown>;
    const appliedMeta = (applied.metadata ?? {}) as { name?: string };
    if (appliedMeta.name !== undefined && appliedMeta.name !== name) {
      throw errors.badRequest(
        `the name of the object (${appliedMeta.name}) does not match the name on the URL (${name})`,
      );
    }
    // A resourceVersion in the applied configuration is a precondition, as for an update.
    const precondition = (body as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    const requested = typeof precondition === 'string' && precondition !== '' ? precondition : undefined;
    const run = (live: TypedObject<Spec, Status> | undefined) =>
      apply(live, applied, manager, options.force, apiVersionOf(this.#def), this.#def.schema, subresource, {
        group: this.#def.group,
        resource: this.#def.plural,
        name,
      });
    try {
      const written = await this.#write(
        namespace,
        name,
        options,
        (current) => {
          const result = run(current);
          const next = decode(this.#def, result.object, 'Ignore').object;
          if (requested) next.metadata.resourceVersion = requested;
          else delete next.metadata.resourceVersion;
          return { next, warnings, managedFields: result.managedFields };
        },
        subresource,
      );
      return written;
    } catch (error) {
      if ((error as StatusError).code !== 404 || subresource === 'status') throw error;
    }
    if (requested) {
      throw errors.conflict(
        this.#target(name),
        `the object does not exist, so it cannot be at resourceVersion ${requested}`,
      );
    }
    const created = run(undefined);
    const object = { ...created.object, metadata: { ...created.object.metadata, name } };
    const result = await this.create(namespace, object, options, created.managedFields);
    return { ...result, warnings: [...warnings, ...result.warnings], created: true };
  }

  #scaleOf(object: TypedObject<Spec, Status>): Scale {
    const scale = this.strategy.scale;
    if (!scale) throw errors.pathNotFound(`${this.#def.plural}/scale`);
    const m = object.metadata;
    return {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        ...(m.name ? { name: m.name } : {}),
        ...(m.namespace ? { namespace: m.namespace } : {}),
        ...(m.uid ? { uid: m.uid } : {}),
        ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
        ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
      },
      spec: { replicas: scale.specReplicas(object) },
      status: { replicas: scale.statusReplicas(object), selector: scale.selector(object) },
    };
  }

  async getScale(namespace: string, name: string): Promise<Scale> {
    return this.#scaleOf(await this.get(namespace, name));
  }

  /** Sets spec.replicas from a Scale (or a patch of one); the resourceVersion in it is honoured. */
  async updateScale(
    namespace: string,
    name: string,
    change: (scale: Scale) => unknown,
    options: WriteOptions,
  ): Promise<Scale> {
    const scale = this.strategy.scale;
    if (!scale) throw errors.pathNotFound(`${this.#def.plural}/scale`);
    const written = await this.#write(
      namespace,
      name,
      options,
      (current) => {
        const wanted = change(this.#scaleOf(current)) as Partial<Scale>;
        const replicas = wanted?.spec?.replicas;
        if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
          throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
            {
              type: 'FieldValueInvalid',
              field: 'spec.replicas',
              message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
            },
          ]);
        }
        const next = structuredClone(current);
        scale.setSpecReplicas(next, replicas);
        const rv = wanted.metadata?.resourceVersion;
        if (rv) next.metadata.resourceVersion = rv;
        else delete next.metadata.resourceVersion;
        return { next, warnings: [] };
      },
      'scale',
    );
    return this.#scaleOf(written.object);
  }

  async delete(
    namespace: string,
    name: string,
    options: DeleteOptions,
  ): Promise<Deleted<TypedObject<Spec, Status>>> {
    const check = (current: TypedObject<Spec, Status>) => {
      const p = options.preconditions;
      if (p?.uid && p.uid !== current.metadata.uid) {
        throw errors.conflict(
          this.#target(name),
          `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${current.metadata.uid}`,
        );
      }
      if (p?.resourceVersion && p.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(
          this.#target(name),
          `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`,
        );
      }
    };
    const current = await this.#store.get(namespace, name);
    check(current);
    const policyFinalizer =
      options.propagationPolicy === 'Orphan'
        ? FINALIZER_ORPHAN
        : options.propagationPolicy === 'Foreground'
          ? FINALIZER_FOREGROUND
          : undefined;
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.length === 0 && !policyFinalizer) {
      if (options.dryRun) return { object: current, deleted: true };
      return { object: await this.#store.delete(namespace, name, check), deleted: true };
    }
    // Finalizers hold the object: mark it deleted and let their owners (the GC among them) finish.
    let marked: TypedObject<Spec, Status> | undefined;
    const stored = await this.#store.update(namespace, name, (latest) => {
      check(latest);
      const next = structuredClone(latest);
      next.metadata.deletionTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      next.metadata.deletionGracePeriodSeconds = 0;
      const list = next.metadata.finalizers ?? [];
      if (policyFinalizer && !list.includes(policyFinalizer)) {
        next.metadata.finalizers = [
          ...list.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND),
          policyFinalizer,
        ];
      }
      delete next.metadata.resourceVersion;
      if (options.dryRun) {
        marked = {
          ...next,
          metadata: { ...next.metadata, resourceVersion: latest.metadata.resourceVersion as string },
        };
        return latest;
      }
      return next;
    });
    return { object: marked ?? stored, deleted: false };
  }

  async deleteCollection(
    namespace: string | undefined,
    listOptions: ListOptions,
    options: DeleteOptions,
  ): Promise<Record<string, unknown>> {
    const list = (await this.list(namespace, { ...listOptions, limit: 0 })) as {
      items: TypedObject<Spec, Status>[];
    };
    const items: TypedObject<Spec, Status>[] = [];
    for (const item of list.items) {
      try {
        const done = await this.delete(
          item.metadata.namespace as string,
          item.metadata.name as string,
          options,
        );
        items.push(done.object);
      } catch (error) {
        if ((error as StatusError).code !== 404) throw error;
      }
    }
    return { ...list, items };
  }

  /**
   * Streams changes. Without a resourceVersion (or with "0") the current objects come first
   * as ADDED events, as kube-apiserver does; with one, changes after it, or a 410 Expired
   * end when etcd has compacted it. With allowWatchBookmarks, a BOOKMARK carrying the current
   * resourceVersion comes every bookmark interval, so a quiet watch resumes from a recent one.
   */
  async watch(
    namespace: string | undefined,
    options: ListOptions & { allowWatchBookmarks?: boolean; sendInitialEvents?: boolean },
    sink: WatchSink<TypedObject<Spec, Status>>,
  ): Promise<StoreWatch> {
    const matches = this.#matcher(options);
    const version = apiVersionOf(this.#def);
    const typed = (o: TypedObject<Spec, Status>) => ({ ...o, apiVersion: version, kind: this.#def.kind });
    let from: number;
    if (options.sendInitialEvents || !options.resourceVersion || options.resourceVersion === '0') {
      const { resourceVersion: _from, resourceVersionMatch: _match, ...current } = options;
      const initial = (await this.list(namespace, { ...current, limit: 0 })) as {
        metadata: { resourceVersion: string };
        items: TypedObject<Spec, Status>[];
      };
      for (const item of initial.items) sink.event('ADDED', item);
      from = Number(initial.metadata.resourceVersion);
      if (options.sendInitialEvents) {
        // A streaming list (WatchList) ends its initial state with this bookmark.
        sink.event('BOOKMARK', {
          apiVersion: version,
          kind: this.#def.kind,
          metadata: { resourceVersion: String(from), annotations: { 'k8s.io/initial-events-end': 'true' } },
        } as unknown as TypedObject<Spec, Status>);
      }
    } else {
      from = Number(options.resourceVersion);
      if (!Number.isInteger(from) || from < 0)
        throw errors.badRequest(`invalid resource version: ${options.resourceVersion}`);
    }
    return this.#store.watch(
      namespace,
      from,
      (e) => {
        if (e.type === 'BOOKMARK') {
          if (options.allowWatchBookmarks) {
            sink.event('BOOKMARK', {
              apiVersion: version,
              kind: this.#def.kind,
              metadata: e.object.metadata,
            } as TypedObject<Spec, Status>);
          }
          return;
        }
        if (e.type === 'ERROR') return;
        const now = matches(e.object);
        // An update can move an object into or out of a selection: watchers see it arrive or leave.
        const before = e.type === 'MODIFIED' && e.previous ? matches(e.previous) : now;
        if (now && before) sink.event(e.type, typed(e.object));
        else if (now) sink.event('ADDED', typed(e.object));
        else if (before) sink.event('DELETED', typed(e.object));
      },
      (error) => sink.end(error),
      options.allowWatchBookmarks ? this.#bookmarkIntervalMs : undefined,
    );
  }
}
