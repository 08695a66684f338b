// The simulated-hardware fixture (platform/fixtures/nodes.yaml): its shape, its checks, and
// the Node and NodeResourceTopology objects it expands to. Pure; the edge that creates the
// objects lives in nodes.ts.

import { parse } from 'yaml';
import {
  KWOK_NODE_ANNOTATION,
  KWOK_NODE_ANNOTATION_VALUE,
  LOCAL_DISK_CAPACITY_ANNOTATION,
  NODE_CLASS_LABEL,
  NODE_RESOURCE_TOPOLOGY,
  SRIOV_VF_RESOURCE,
} from '../../common/names.ts';
import { formatBytes, isQuantity, parseQuantity } from '../../common/quantity.ts';
import { kwokResourceMetricsPath, RESOURCE_METRICS_PATH_ANNOTATION } from './components/metrics-server.ts';

export interface ZoneFixture {
  cpus: number;
  memory: string;
  sriovVFs: number;
}

export interface NodeClassFixture {
  name: string;
  count: number;
  localDisk: string;
  pods: number;
  zones: ZoneFixture[];
}

export interface NodeFixture {
  classes: NodeClassFixture[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** Parses and checks a fixture document; every problem is reported with its path. */
export function parseFixture(text: string): NodeFixture {
  const doc = parse(text) as unknown;
  const problems: string[] = [];
  const classes = (doc as { classes?: unknown })?.classes;
  if (!Array.isArray(classes) || classes.length === 0) {
    throw new Error('node fixture: "classes" must be a non-empty list');
  }
  const seen = new Set<string>();
  classes.forEach((c: Record<string, unknown>, i) => {
    const at = `classes[${i}]`;
    if (typeof c?.name !== 'string' || !DNS_LABEL.test(c.name))
      problems.push(`${at}.name must be a DNS label`);
    else if (seen.has(c.name)) problems.push(`${at}.name "${c.name}" is used twice`);
    else seen.add(c.name);
    if (!isCount(c?.count, 1)) problems.push(`${at}.count must be an integer ≥ 1`);
    if (!isCount(c?.pods, 1)) problems.push(`${at}.pods must be an integer ≥ 1`);
    if (typeof c?.localDisk !== 'string' || !isQuantity(c.localDisk))
      problems.push(`${at}.localDisk must be a quantity`);
    if (!Array.isArray(c?.zones) || c.zones.length === 0) {
      problems.push(`${at}.zones must be a non-empty list`);
      return;
    }
    (c.zones as Record<string, unknown>[]).forEach((z, j) => {
      if (!isCount(z?.cpus, 1)) problems.push(`${at}.zones[${j}].cpus must be an integer ≥ 1`);
      if (typeof z?.memory !== 'string' || !isQuantity(z.memory))
        problems.push(`${at}.zones[${j}].memory must be a quantity`);
      if (!isCount(z?.sriovVFs, 0)) problems.push(`${at}.zones[${j}].sriovVFs must be an integer ≥ 0`);
    });
  });
  if (problems.length > 0) throw new Error(`node fixture is invalid:\n  ${problems.join('\n  ')}`);
  return doc as NodeFixture;
}

export interface SimulatedNode {
  name: string;
  className: string;
  cpus: number;
  memoryBytes: number;
  sriovVFs: number;
  localDiskBytes: number;
  pods: number;
  zones: Array<{ name: string; cpus: number; memoryBytes: number; sriovVFs: number }>;
}

/** One entry per node: `<class>-<index>`, totals summed over the zones. */
export function expandFixture(fixture: NodeFixture): SimulatedNode[] {
  return fixture.classes.flatMap((c) =>
    Array.from({ length: c.count }, (_, i) => {
      const zones = c.zones.map((z, j) => ({
        name: `node-${j}`,
        cpus: z.cpus,
        memoryBytes: parseQuantity(z.memory),
        sriovVFs: z.sriovVFs,
      }));
      return {
        name: `${c.name}-${i}`,
        className: c.name,
        cpus: zones.reduce((sum, z) => sum + z.cpus, 0),
        memoryBytes: zones.reduce((sum, z) => sum + z.memoryBytes, 0),
        sriovVFs: zones.reduce((sum, z) => sum + z.sriovVFs, 0),
        localDiskBytes: parseQuantity(c.localDisk),
        pods: c.pods,
        zones,
      };
    }),
  );
}

/** The Node object kwok will manage for a simulated node (status included: kwok keeps it). */
export function nodeObject(node: SimulatedNode): Record<string, unknown> {
  const resources = {
    cpu: String(node.cpus),
    memory: formatBytes(node.memoryBytes),
    pods: String(node.pods),
    'ephemeral-storage': '100Gi',
    ...(node.sriovVFs > 0 ? { [SRIOV_VF_RESOURCE]: String(node.sriovVFs) } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': node.className,
        [NODE_CLASS_LABEL]: node.className,
        type: 'kwok',
      },
      annotations: {
        [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE,
        'node.alpha.kubernetes.io/ttl': '0',
        [LOCAL_DISK_CAPACITY_ANNOTATION]: String(node.localDiskBytes),
        // Where metrics-server finds this node's usage on kwok's shared port.
        [RESOURCE_METRICS_PATH_ANNOTATION]: kwokResourceMetricsPath(node.name),
      },
    },
    spec: {},
    status: { capacity: resources, allocatable: resources, phase: 'Running' },
  };
}

/** The node's NUMA layout as a NodeResourceTopology (topology.node.k8s.io/v1alpha2). */
export function topologyObject(node: SimulatedNode): Record<string, unknown> {
  const amount = (name: string, value: string) => ({
    name,
    capacity: value,
    allocatable: value,
    available: value,
  });
  return {
    apiVersion: `${NODE_RESOURCE_TOPOLOGY.group}/${NODE_RESOURCE_TOPOLOGY.version}`,
    kind: NODE_RESOURCE_TOPOLOGY.kind,
    metadata: { name: node.name, labels: { [NODE_CLASS_LABEL]: node.className } },
    topologyPolicies: ['SingleNUMANodeContainerLevel'],
    attributes: [
      { name: 'topologyManagerPolicy', value: 'single-numa-node' },
      { name: 'topologyManagerScope', value: 'container' },
    ],
    zones: node.zones.map((z) => ({
      name: z.name,
      type: 'Node',
      resources: [
        amount('cpu', String(z.cpus)),
        amount('memory', formatBytes(z.memoryBytes)),
        ...(z.sriovVFs > 0 ? [amount(SRIOV_VF_RESOURCE, String(z.sriovVFs))] : []),
      ],
    })),
  };
}
