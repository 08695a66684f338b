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

/** Label a namespace carries when it is a kubehpc project. */
export const PROJECT_LABEL = 'kubehpc.dev/project';

/** Label and annotation keys kwok uses to recognise the nodes it simulates. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_ANNOTATION_VALUE = 'fake';

/** Label naming the simulated hardware class a local-platform node was made from. */
export const NODE_CLASS_LABEL = 'node.kubehpc.dev/class';
