// What differs between resources in how they are created, updated, printed and scaled:
// a Strategy. The generic registry (registry.ts) does everything else the same way for all.

import type { KindDefinition } from '../../../common/apis/kind.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0: always shown; 1: only with -o wide. */
  priority: 0 | 1;
}

/** How the scale subresource maps onto a kind (autoscaling/v1 Scale). */
export interface ScaleMapping<T> {
  specReplicas(object: T): number;
  setSpecReplicas(object: T, replicas: number): void;
  statusReplicas(object: T): number;
  selector(object: T): string;
}

/** Who asks for a write, as admission needs them: a name and RBAC's answer about them. */
export interface Requester {
  username: string;
  /** Whether RBAC allows the requester `verb` on `resource` (named, or all of it when name is ''). */
  allowed(
    attributes: { verb: string; group: string; resource: string; name: string },
    namespace: string,
  ): Promise<boolean>;
}

export interface Strategy<Spec, Status> {
  definition: KindDefinition<Spec, Status>;
  /** Columns of server-side Table output; the first is always Name. */
  columns: TableColumn[];
  /** The cells of one row, in column order, Name first. */
  row(object: TypedObject<Spec, Status>, now: Date): unknown[];
  scale?: ScaleMapping<TypedObject<Spec, Status>>;
  /**
   * Checks a main-resource write as the requester, after validation and before storage
   * (previous: undefined on create); throws a StatusError to refuse. Returns notes on what it
   * admitted, which the server records as Events on the stored object.
   */
  admit?(
    requester: Requester | undefined,
    next: TypedObject<Spec, Status>,
    previous: TypedObject<Spec, Status> | undefined,
  ): Promise<string[]>;
}

/** Kubernetes' human age: 5s, 3m, 2h10m, 4d, 2y. */
export function age(from: string | undefined, now: Date): string {
  if (!from) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}
