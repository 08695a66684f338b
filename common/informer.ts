// A list+watch cache of one resource (client-node's ListWatch), made to keep going: synced
// once its first list succeeded, relisting on 410 Gone (ListWatch does that itself) and
// restarted with exponential backoff after any other error, which ListWatch would otherwise
// end on. Every program that watches the cluster builds its informers here.

import {
  type CustomObjectsApi,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  type Watch,
} from '@kubernetes/client-node';
import type { Logger } from './log.ts';

export interface InformerSpec<T extends KubernetesObject> {
  /** Names the informer in logs. */
  name: string;
  /** The collection's URL path, e.g. `/api/v1/pods`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  /** Added or changed. */
  onUpsert?: (o: T) => void;
  onDelete?: (o: T) => void;
}

/** A custom resource (CRD or aggregated) by group, version and plural. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/** The watch path and the list of a custom resource across all namespaces, for an InformerSpec. */
export function customResourceSource<T extends KubernetesObject>(
  custom: CustomObjectsApi,
  resource: CustomResource,
): Pick<InformerSpec<T>, 'path' | 'list'> {
  const { group, version, plural } = resource;
  return {
    path: `/apis/${group}/${version}/${plural}`,
    list: () =>
      custom.listClusterCustomObject({ group, version, plural }) as Promise<KubernetesListObject<T>>,
  };
}

export interface Informer<T extends KubernetesObject> {
  readonly name: string;
  /** True once the first list has succeeded. */
  synced(): boolean;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const INFORMER_BACKOFF: Backoff = { firstMs: 1000, maxMs: 30_000 };

export function createInformer<T extends KubernetesObject>(
  watch: Watch,
  spec: InformerSpec<T>,
  log: Logger,
  backoff: Backoff = INFORMER_BACKOFF,
): Informer<T> {
  let listed = false;
  let stopped = false;
  let delayMs = backoff.firstMs;
  // Working again (a list succeeded or an event arrived): the next failure backs off afresh.
  const healthy = () => {
    delayMs = backoff.firstMs;
  };
  const list = async () => {
    const result = await spec.list();
    listed = true;
    healthy();
    return result;
  };
  const informer = new ListWatch<T>(spec.path, watch, list, false, spec.labelSelector, spec.fieldSelector);
  const upsert = spec.onUpsert;
  const remove = spec.onDelete;
  informer.on('add', (o) => {
    healthy();
    upsert?.(o);
  });
  informer.on('update', (o) => {
    healthy();
    upsert?.(o);
  });
  informer.on('delete', (o) => {
    healthy();
    remove?.(o);
  });
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    log.warn({ informer: spec.name, err: String(err), retryInMs: delayMs }, 'informer failed; restarting');
    const timer = setTimeout(() => {
      if (!stopped) void informer.start().catch(() => undefined);
    }, delayMs);
    timer.unref();
    delayMs = Math.min(delayMs * 2, backoff.maxMs);
  });
  return {
    name: spec.name,
    synced: () => listed,
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    start: () => informer.start(),
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  };
}
