// The generic REST registry: create, get, list, update, patch, delete, deletecollection and
// watch of one resource over an ObjectStore, plus its status and scale subresources, with
// Kubernetes' metadata semantics (metadata.ts), optimistic concurrency and server-side
// apply. Per-resource differences come from the Strategy. Knows nothing of HTTP: the server
// turns requests into these calls and StatusErrors into responses.

import { decode, validateObject } from '../../../common/apis/decode.ts';
import { apiVersionOf } from '../../../common/apis/kind.ts';
import { errors, type StatusError } from '../../../common/apis/meta/errors.ts';
import { apply, updateManagedFields } from '../../../common/apis/meta/managedfields.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../common/apis/meta/patch.ts';
import type { ManagedFieldsEntry, TypedObject } from '../../../common/apis/meta/types.ts';
import { prune } from '../../../common/apis/schema.ts';
import type { ListResult, ObjectStore, StoreWatch } from '../storage/object-store.ts';
import { beforeCreate, beforeUpdate, checkPreconditions, markDeleting, policyFinalizer } from './metadata.ts';
import { type Scale, scaleOf, wantedReplicas } from './scale.ts';
import { selection } from './selection.ts';
import type { Strategy } from './strategy.ts';
import { asServed } from './typed.ts';
import type {
  ApplyOptions,
  Clock,
  Deleted,
  DeleteOptions,
  ListOptions,
  NamespaceCheck,
  PatchType,
  WatchOptions,
  WatchSink,
  WriteOptions,
  Written,
} from './types.ts';
import { DEFAULT_BOOKMARK_INTERVAL_MS, watchResource } from './watch.ts';

const DEFAULT_MANAGER = 'unknown';

/** A registry of any kind, as the server holds them side by side. */
export type AnyRegistry = Registry<unknown, unknown>;

export class Registry<Spec, Status> {
  readonly strategy: Strategy<Spec, Status>;
  readonly #store: ObjectStore<TypedObject<Spec, Status>>;
  readonly #checkNamespace: NamespaceCheck;
  readonly #bookmarkIntervalMs: number;
  readonly #now: Clock;

  constructor(
    strategy: Strategy<Spec, Status>,
    store: ObjectStore<TypedObject<Spec, Status>>,
    checkNamespace: NamespaceCheck = async () => undefined,
    options: { bookmarkIntervalMs?: number; clock?: Clock } = {},
  ) {
    this.strategy = strategy;
    this.#store = store;
    this.#checkNamespace = checkNamespace;
    this.#bookmarkIntervalMs = options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS;
    this.#now = options.clock ?? (() => new Date());
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
    beforeCreate(object, namespace, this.#now());
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
    const matches = selection(this.#def, options);
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
      items: items.map((item) => asServed(this.#def, item)),
    };
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
      beforeUpdate(this.#def, current, next, { namespace, name, subresource });
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
        dryRunResult = asDryRun(next, current);
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
    const mapping = this.strategy.scale;
    if (!mapping) throw errors.pathNotFound(`${this.#def.plural}/scale`);
    return scaleOf(mapping, object);
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
        const replicas = wantedReplicas(name, wanted);
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
    const check = (current: TypedObject<Spec, Status>) =>
      checkPreconditions(this.#target(name), options.preconditions, current);
    const current = await this.#store.get(namespace, name);
    check(current);
    const finalizer = policyFinalizer(options.propagationPolicy);
    const finalizers = current.metadata.finalizers ?? [];
    if (finalizers.length === 0 && !finalizer) {
      if (options.dryRun) return { object: current, deleted: true };
      return { object: await this.#store.delete(namespace, name, check), deleted: true };
    }
    // Finalizers hold the object: mark it deleted and let their owners (the GC among them) finish.
    let marked: TypedObject<Spec, Status> | undefined;
    const stored = await this.#store.update(namespace, name, (latest) => {
      check(latest);
      const next = markDeleting(latest, finalizer, this.#now());
      if (options.dryRun) {
        marked = asDryRun(next, latest);
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

  /** Streams changes (watch.ts): the initial state or a resume, then what the store sees. */
  async watch(
    namespace: string | undefined,
    options: WatchOptions,
    sink: WatchSink<TypedObject<Spec, Status>>,
  ): Promise<StoreWatch> {
    return watchResource(
      {
        definition: this.#def,
        store: this.#store,
        list: (ns, o) => this.list(ns, o),
        bookmarkIntervalMs: this.#bookmarkIntervalMs,
      },
      namespace,
      options,
      sink,
    );
  }
}

/** What a dry run answers: the object the write would store, at the stored resourceVersion. */
function asDryRun<T extends { metadata: { resourceVersion?: string | undefined } }>(next: T, stored: T): T {
  return {
    ...next,
    metadata: { ...next.metadata, resourceVersion: stored.metadata.resourceVersion as string },
  };
}
