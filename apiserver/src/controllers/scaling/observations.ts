// What the metric sources hand to the decision: pods with their readiness and requests, usage
// samples per pod, a Prometheus value, or why a source failed. Plain data with times in
// milliseconds since the epoch, so the decision needs no clock and no client.

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodState {
  name: string;
  phase: PodPhase;
  /** deletionTimestamp is set: the pod is going away and does not count. */
  deleting: boolean;
  /** Status of the Ready condition; undefined when the pod has none yet. */
  ready?: boolean;
  readyTransitionMs?: number;
  startMs?: number;
  /** Sum of the containers' requests (cores, bytes); a resource is absent when any container lacks it. */
  requests: { cpu?: number; memory?: number };
}

export interface UsageSample {
  /** Cores for cpu, bytes for memory. */
  value: number;
  timestampMs: number;
  windowMs: number;
}

export type RuleObservation =
  | { kind: 'resource'; pods: readonly PodState[]; usage: ReadonlyMap<string, UsageSample> }
  | { kind: 'prometheus'; value: number | undefined }
  | { kind: 'failed'; error: string };

/** One placement domain (a node, or one NUMA zone of a node) the service can run on. */
export interface CapacityDomain {
  name: string;
  allocatable: ReadonlyMap<string, number>;
  requested: ReadonlyMap<string, number>;
  /**
   * The node's NUMA zones, for a service that needs a single one: each replica must fit inside
   * one zone (for the resources a zone lists), and the node's own limits (local disk) still hold.
   */
  zones?: readonly CapacityDomain[];
}

export interface CapacityView {
  domains: readonly CapacityDomain[];
  /** What one more replica needs, by resource (cpu cores, memory bytes, VFs, local disk bytes). */
  perReplica: ReadonlyMap<string, number>;
  /** Replicas of the service asked for but not placed yet: they take their room first. */
  unplaced?: number;
}
