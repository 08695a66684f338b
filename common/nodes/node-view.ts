// What predicates and scores see of a node: free amounts already net of the pods placed on
// it and of in-flight reservations, plus totals to tell "never fits" from "not right now".
// Plain data; the cache builds it, tests write it as literals. Absent or malformed source
// data is a value (`missing` / `invalid`), so a node with bad data fails with a reason.

export type Published<T> =
  | { state: 'ok'; value: T }
  | { state: 'missing'; source: string }
  | { state: 'invalid'; source: string; reason: string };

export interface Amount {
  /** What the node (or zone) offers at all. */
  total: number;
  /** What is left after placed pods and other pods' reservations. */
  free: number;
  /** Part of `total - free` held by in-flight reservations (for reasons only). */
  held: number;
}

export interface ZoneView {
  name: string;
  cpu: Amount;
  memory: Amount;
  vfs: Amount;
}

export interface NodeView {
  name: string;
  /** Healthy VFs: node allocatable of the VF resource; total 0 when the node has none. */
  vfs: Amount;
  /** Local disk in bytes, from the node's TopoLVM-format capacity annotation. */
  disk: Published<Amount>;
  /** NUMA zones from the node's NodeResourceTopology. */
  zones: Published<ZoneView[]>;
  /** Distinct core services (`namespace/service`) with a pod on the node. */
  coreServices: ReadonlySet<string>;
}
