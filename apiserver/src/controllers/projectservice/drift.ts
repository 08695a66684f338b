// Whether a live child still says what the controller rendered, looking only at the fields
// the controller owns: every field present in the rendered object must hold the same value
// live; anything else live (server defaults, status, fields other managers added, extra
// labels, annotations such as kubectl's restartedAt) is not the controller's business.
// Keyed lists (containers, env, ports, volumes, mounts, owner references) are matched item by
// item by their merge key, like server-side apply; other lists are atomic. Quantities compare
// by value, since the API server rewrites "1024Mi" as "1Gi".
//
// Fields the controller stops rendering after a spec change are removed by server-side apply
// itself, not found here: the loop applies on every new generation, and uses drift to
// repair hand edits between generations and to say so in an Event (driftEvent). Pure.

import type { OwnerReference } from '../../../../common/apis/meta/types.ts';
import { isObject } from '../../../../common/object.ts';
import { parseQuantity } from '../../../../common/quantity.ts';

/** What drift reads of a Kubernetes object; client-node's V1* types all fit. */
export interface KubeObject {
  apiVersion?: string | undefined;
  kind?: string | undefined;
  metadata?:
    | {
        name?: string | undefined;
        labels?: Record<string, string> | undefined;
        annotations?: Record<string, string> | undefined;
        ownerReferences?: ReadonlyArray<OwnerReference> | undefined;
      }
    | undefined;
}

export interface Difference {
  /** Where, e.g. `spec.template.spec.containers[name=portal].image`. */
  path: string;
  desired: unknown;
  live: unknown;
}

export type Drift =
  | { state: 'InSync' }
  /** Deleted: create it again. */
  | { state: 'Missing' }
  /** Someone else controls an object of that name: leave it alone and report a conflict. */
  | { state: 'NotOwned'; controller: string }
  /** Owned fields differ: apply again. */
  | { state: 'Changed'; differences: Difference[] }
  /** An immutable owned field differs: apply cannot fix it; delete and create again. */
  | { state: 'Replace'; differences: Difference[] };

/** Owned fields the API server refuses to change, per kind. */
const IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec.selector'],
};

export function drift(desired: KubeObject, live: KubeObject | undefined, ownerUid: string): Drift {
  if (!live) return { state: 'Missing' };
  const controller = live.metadata?.ownerReferences?.find((o) => o.controller === true);
  if (controller?.uid !== ownerUid) {
    return { state: 'NotOwned', controller: controller ? `${controller.kind} ${controller.name}` : 'none' };
  }
  const differences: Difference[] = [];
  const d = desired as Record<string, unknown>;
  const l = live as Record<string, unknown>;
  const dm = (desired.metadata ?? {}) as Record<string, unknown>;
  const lm = (live.metadata ?? {}) as Record<string, unknown>;
  for (const key of ['labels', 'annotations', 'ownerReferences']) {
    if (key in dm) compare(dm[key], lm[key], ['metadata', key], differences);
  }
  for (const key of Object.keys(d)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata' || key === 'status') continue;
    compare(d[key], l[key], [key], differences);
  }
  if (differences.length === 0) return { state: 'InSync' };
  const immutable = IMMUTABLE[desired.kind ?? ''] ?? [];
  const replace = differences.some((diff) =>
    immutable.some((p) => diff.path === p || diff.path.startsWith(`${p}.`)),
  );
  return replace ? { state: 'Replace', differences } : { state: 'Changed', differences };
}

/** The Event that reports a drift and what the loop does about it; none when in sync. */
export interface DriftEvent {
  type: 'Warning';
  reason: 'Recreated' | 'Restored' | 'Replaced' | 'NameConflict';
  message: string;
}

export function driftEvent(kind: string, name: string, found: Drift): DriftEvent | undefined {
  switch (found.state) {
    case 'InSync':
      return undefined;
    case 'Missing':
      return { type: 'Warning', reason: 'Recreated', message: `${kind} ${name} was deleted; recreating it` };
    case 'NotOwned':
      return {
        type: 'Warning',
        reason: 'NameConflict',
        message: `${kind} ${name} exists but is not managed by this ProjectService (controller: ${found.controller}); leaving it alone`,
      };
    case 'Changed':
    case 'Replace': {
      const shown = found.differences
        .slice(0, 3)
        .map((d) => `${d.path} is ${show(d.live)}, want ${show(d.desired)}`)
        .join('; ');
      const more = found.differences.length > 3 ? ` (and ${found.differences.length - 3} more)` : '';
      const [reason, action] =
        found.state === 'Replace'
          ? (['Replaced', 'recreating it'] as const)
          : (['Restored', 'restoring it'] as const);
      return {
        type: 'Warning',
        reason,
        message: `${kind} ${name} was changed outside the controller: ${shown}${more}; ${action}`,
      };
    }
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

type Segment = string;

/** Values Go's `omitempty` drops: rendering one and finding nothing live is no drift. */
function isEmpty(v: unknown): boolean {
  return v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function compare(desired: unknown, live: unknown, path: Segment[], out: Difference[]): void {
  if (desired === undefined) return;
  if (live === undefined && isEmpty(desired)) return;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) {
      out.push({ path: text(path), desired, live });
      return;
    }
    compareList(desired, live, path, out);
    return;
  }
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push({ path: text(path), desired, live });
      return;
    }
    for (const key of Object.keys(desired)) compare(desired[key], live[key], [...path, key], out);
    return;
  }
  if (desired === live) return;
  if (isQuantityPath(path) && sameQuantity(desired, live)) return;
  out.push({ path: text(path), desired, live });
}

function compareList(desired: unknown[], live: unknown[], path: Segment[], out: Difference[]): void {
  const field = path[path.length - 1] ?? '';
  const keyOf = listKey(field);
  if (keyOf && desired.every(isObject) && live.every(isObject)) {
    for (const item of desired) {
      const key = keyOf(item);
      const match = live.find((candidate) => keyOf(candidate) === key);
      const at = [...path.slice(0, -1), `${field}[${key}]`];
      if (match === undefined) out.push({ path: text(at), desired: item, live: undefined });
      else compare(item, match, at, out);
    }
    return;
  }
  if (desired.length !== live.length) {
    out.push({ path: text(path), desired, live });
    return;
  }
  const scratch: Difference[] = [];
  desired.forEach((item, i) => {
    compare(item, live[i], [...path.slice(0, -1), `${field}[${i}]`], scratch);
  });
  if (scratch.length > 0) out.push({ path: text(path), desired, live });
}

/** The merge key of a list the controller owns item by item, by field name. */
function listKey(field: string): ((item: Record<string, unknown>) => string) | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'env':
    case 'volumes':
      return (item) => `name=${String(item.name)}`;
    case 'volumeMounts':
      return (item) => `mountPath=${String(item.mountPath)}`;
    case 'ownerReferences':
      return (item) => `uid=${String(item.uid)}`;
    case 'ports':
      return (item) =>
        'containerPort' in item
          ? `containerPort=${String(item.containerPort)}/${String(item.protocol ?? 'TCP')}`
          : `port=${String(item.port)}/${String(item.protocol ?? 'TCP')}`;
    default:
      return undefined;
  }
}

function isQuantityPath(path: Segment[]): boolean {
  const parent = path[path.length - 2];
  const last = path[path.length - 1];
  return parent === 'requests' || parent === 'limits' || last === 'sizeLimit';
}

function sameQuantity(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return parseQuantity(a) === parseQuantity(b);
  } catch {
    return false;
  }
}

function text(path: Segment[]): string {
  return path.join('.');
}
