// Server-side printing: meta.k8s.io/v1 Table of objects (kubectl get, k9s), with the row's
// object as PartialObjectMetadata unless the client asked for none or the full object. Pure.

import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { Strategy } from '../registry/strategy.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function table<Spec, Status>(
  strategy: Strategy<Spec, Status>,
  objects: readonly TypedObject<Spec, Status>[],
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  include: IncludeObject,
  now = new Date(),
  row: (o: TypedObject<Spec, Status>, now: Date) => unknown[] = (o, at) => strategy.row(o, at),
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: strategy.columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority,
    })),
    rows: objects.map((o) => ({
      cells: row(o, now),
      object:
        include === 'None'
          ? undefined
          : include === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/**
 * A watch BOOKMARK as a Table, as kube-apiserver converts one: a single row whose object
 * carries the bookmark's metadata (its resourceVersion, the initial-events-end annotation).
 * A bookmark has no fields to print, so its cells are empty (null), as a custom resource's
 * printer columns are for fields an object lacks.
 */
export function bookmarkTable<Spec, Status>(
  strategy: Strategy<Spec, Status>,
  bookmark: TypedObject<Spec, Status>,
  include: IncludeObject,
) {
  return table(strategy, [bookmark], {}, include, new Date(), () => strategy.columns.map(() => null));
}
