// Names shared by every kubehpc component: API groups, resource names, label and
// annotation keys. Each fact is defined here once; nothing here depends on other code.

/** API group of ProjectService. */
export const APPS_GROUP = 'apps.kubehpc.dev';
/** API group of ScalingPolicy. */
export const SCALING_GROUP = 'scaling.kubehpc.dev';
/** The one served version of both groups. */
export const API_VERSION = 'v1alpha1';

/** Extended resource under which SR-IOV virtual functions are counted (default pool). */
export const SRIOV_VF_RESOURCE = 'kubehpc.dev/sriov-vf';

/**
 * Node annotation carrying the node's free local-disk capacity in bytes, in TopoLVM's
 * format (`capacity.topolvm.io/<device-class>`, `00default` for the default class), so a
 * TopoLVM node agent can publish it on real clusters.
 */
export const LOCAL_DISK_CAPACITY_ANNOTATION = 'capacity.topolvm.io/00default';

/** NodeResourceTopology, the ecosystem-standard per-node NUMA description. */
export const NODE_RESOURCE_TOPOLOGY = {
  group: 'topology.node.k8s.io',
  version: 'v1alpha2',
  plural: 'noderesourcetopologies',
  kind: 'NodeResourceTopology',
} as const;

/** Where a ProjectService's local disk (spec.hardware.localDisk) is mounted in its containers. */
export const DATA_MOUNT_PATH = '/data';

/** Label a namespace carries when it is a kubehpc project. */
export const PROJECT_LABEL = 'kubehpc.dev/project';

/** Label and annotation keys kwok uses to recognise the nodes it simulates. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_ANNOTATION_VALUE = 'fake';

/** Label naming the simulated hardware class a local-platform node was made from. */
export const NODE_CLASS_LABEL = 'node.kubehpc.dev/class';

/** Namespace of kubehpc's own in-cluster objects (the API server's Service, its RBAC). */
export const SYSTEM_NAMESPACE = 'kubehpc-system';
/** Service the APIServices point at; the API server's serving certificate names it. */
export const APISERVER_SERVICE = 'kubehpc-apiserver';
/** Category both kinds belong to, so `kubectl get hpc` lists them together. */
export const API_CATEGORY = 'hpc';
/** Key prefix under which the kubehpc API server keeps its objects in etcd. */
export const ETCD_PREFIX = '/kubehpc/';

/**
 * Extended resource a pod requests for local disk, in bytes (e.g. `50Gi`). The scheduler
 * extender manages it (`ignoredByScheduler`), as TopoLVM's extender did with its capacity
 * resource; kubelets drop extended resources their node does not advertise at admission.
 */
export const LOCAL_DISK_RESOURCE = 'kubehpc.dev/local-disk';

/**
 * Marker extended resource (quantity 1) on pods that need the scheduler extender but request
 * neither VFs nor local disk (a single-NUMA or core service): kube-scheduler only consults an
 * extender for pods requesting one of its managed resources. Ignored by the scheduler's own fit.
 */
export const PLACEMENT_RESOURCE = 'kubehpc.dev/placement';

/** Pod annotation with a ProjectService's NUMA policy: `SingleNode` or `None` (the default). */
export const NUMA_POLICY_ANNOTATION = 'kubehpc.dev/numa';
export const NUMA_POLICY_SINGLE_NODE = 'SingleNode';
export const NUMA_POLICY_NONE = 'None';

/** Pod label (value `"true"`) marking the pods of a core service ("at most N per node"). */
export const CORE_SERVICE_LABEL = 'kubehpc.dev/core';

/** Pod label naming the ProjectService a pod belongs to (unique within its namespace). */
export const SERVICE_LABEL = 'kubehpc.dev/service';

/**
 * The extended resources the scheduler extender is responsible for, as kube-scheduler's
 * `managedResources`: the scheduler consults the extender only for pods requesting one, and
 * leaves the fit check of the `ignoredByScheduler` ones to the extender.
 */
export const SCHEDULER_EXTENDER_MANAGED_RESOURCES = [
  { name: SRIOV_VF_RESOURCE, ignoredByScheduler: false },
  { name: LOCAL_DISK_RESOURCE, ignoredByScheduler: true },
  { name: PLACEMENT_RESOURCE, ignoredByScheduler: true },
] as const;

/** URL path segments (after the extender's urlPrefix) of the extender's verbs. */
export const SCHEDULER_EXTENDER_VERBS = {
  filter: 'filter',
  prioritize: 'prioritize',
  /** Single-round-trip mode: filter that keeps only the best-scored nodes (no prioritize call). */
  filterBest: 'filter-best',
} as const;

/** The local platform's real node (kubelet + containerd + runc), beside the kwok nodes. */
export const REAL_NODE_NAME = 'real-0';
/** The real node's address: the host's own on the bridge of the real node's pods. */
export const REAL_NODE_ADDRESS = '10.245.0.1';
/** NODE_CLASS_LABEL value of the real node. */
export const REAL_NODE_CLASS = 'real';
/** NoSchedule taint key on the real node: only pods that tolerate it land there. */
export const REAL_NODE_TAINT = 'node.kubehpc.dev/real';
/**
 * ProjectService annotation (value `"true"`) asking for its pods on the real node: the
 * controller adds the toleration and node selector. Stands in until ProjectService has
 * placement fields.
 */
export const REAL_NODE_ANNOTATION = 'kubehpc.dev/real-node';

/**
 * ProjectService annotation `kubectl hpc restart` sets to the time it asked for a rolling
 * restart; the controller copies it into the pod template (under the same key), so the pods
 * roll without a spec change and without the user needing any right on Deployments.
 */
export const RESTARTED_AT_ANNOTATION = 'kubehpc.dev/restarted-at';

/**
 * Virtual resource of APPS_GROUP a user needs verb `use` on, named by the key, for each
 * node-selector key and toleration key of a ProjectService. Nothing is stored under it; a
 * cluster admin grants a project a node pool with an ordinary ClusterRole and RoleBinding.
 */
export const PLACEMENTS_RESOURCE = 'placements';
