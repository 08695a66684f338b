// metrics-server on the local platform (built from sigs.k8s.io/metrics-server, pinned in
// platform/controlplane/metrics-server): the metrics.k8s.io API that `kubectl top` and the
// scaling controller's CPU and memory rules read. It scrapes every node's /metrics/resource
// at the address and port the node reports: the real node's kubelet for real pods, kwok for
// simulated ones (kwok serves each simulated node's usage under the path the node's
// metrics.k8s.io/resource-metrics-path annotation names, from the Metric and
// ClusterResourceUsage in kwokUsageConfig). Both serving certificates are checked against the
// cluster CA; callers are authenticated as by our own API server (front-proxy CA, allowed
// name, X-Remote-* headers) and authorised through SubjectAccessReview.
//
// Registered like a real cluster's: an APIService v1beta1.metrics.k8s.io whose Service is an
// ExternalName for localhost (no kube-proxy runs locally), with the RBAC upstream ships. Pure:
// specs and objects from the layout.

import { join } from 'node:path';
import { stringify } from 'yaml';
import { HOST, type Layout } from '../layout.ts';
import { IDENTITIES } from '../pki.ts';
import type { ComponentSpec } from './specs.ts';

export const METRICS_SERVER = 'metrics-server';
/** The client identity metrics-server uses towards kube-apiserver and the kubelets. */
export const METRICS_SERVER_USER = IDENTITIES.metricsServer.commonName;
export const METRICS_SERVER_NAMESPACE = 'kube-system';
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
/** The node annotation metrics-server reads for a node's resource-metrics path. */
export const RESOURCE_METRICS_PATH_ANNOTATION = 'metrics.k8s.io/resource-metrics-path';
/** The pod annotations kwok's simulated usage reads (kwok's own convention). */
export const KWOK_USAGE_CPU_ANNOTATION = 'kwok.x-k8s.io/usage-cpu';
export const KWOK_USAGE_MEMORY_ANNOTATION = 'kwok.x-k8s.io/usage-memory';

/** The shortest resolution metrics-server accepts: tests see usage change within seconds. */
const RESOLUTION = '10s';

/** The path under which kwok serves a simulated node's resource metrics. */
export function kwokResourceMetricsPath(node: string): string {
  return `/metrics/nodes/${node}/metrics/resource`;
}

export function metricsServerSpec(l: Layout, binary: string): ComponentSpec {
  const pki = (file: string) => join(l.pkiDir, file);
  const kubeconfig = join(l.configDir, `${METRICS_SERVER}.kubeconfig`);
  return {
    name: METRICS_SERVER,
    binary,
    args: [
      `--bind-address=${HOST}`,
      `--secure-port=${l.ports.metricsServer}`,
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      `--tls-cert-file=${pki('metrics-server-serving.crt')}`,
      `--tls-private-key-file=${pki('metrics-server-serving.key')}`,
      `--client-ca-file=${pki('ca.crt')}`,
      `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      // Each node's own address and port: kwok's and the real kubelet's differ.
      '--kubelet-preferred-address-types=InternalIP',
      '--kubelet-use-node-status-port',
      `--kubelet-certificate-authority=${pki('ca.crt')}`,
      `--kubelet-client-certificate=${pki('metrics-server.crt')}`,
      `--kubelet-client-key=${pki('metrics-server.key')}`,
      `--metric-resolution=${RESOLUTION}`,
      // Below 90 % of the resolution, as metrics-server requires.
      '--kubelet-request-timeout=5s',
      '--profiling=false',
      '--v=1',
    ],
    optional: true,
    // Live once serving; ready only after a first scrape, which `up` does not wait for.
    health: { url: `https://${HOST}:${l.ports.metricsServer}/livez`, asAdmin: false, tls: true },
  };
}

/**
 * kwok's simulated usage: a Metric serving what metrics-server reads (node and container CPU
 * counters, working sets, container start times) and a ClusterResourceUsage taking each pod's
 * usage from its kwok.x-k8s.io/usage-cpu and usage-memory annotations (1m and 1Mi without).
 */
export function kwokUsageConfig(): string {
  const container = [
    { name: 'container', value: 'container.name' },
    { name: 'namespace', value: 'pod.metadata.namespace' },
    { name: 'pod', value: 'pod.metadata.name' },
  ];
  const metric = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Metric',
    metadata: { name: 'resource-metrics' },
    spec: {
      path: kwokResourceMetricsPath('{nodeName}'),
      metrics: [
        { name: 'scrape_error', dimension: 'node', kind: 'gauge', help: 'Scrape failed.', value: '0' },
        {
          name: 'node_cpu_usage_seconds_total',
          dimension: 'node',
          kind: 'counter',
          help: 'CPU time used on the node, in core-seconds.',
          value: 'node.CumulativeUsage("cpu")',
        },
        {
          name: 'node_memory_working_set_bytes',
          dimension: 'node',
          kind: 'gauge',
          help: 'Working set of the node, in bytes.',
          value: 'node.Usage("memory")',
        },
        {
          name: 'container_start_time_seconds',
          dimension: 'container',
          kind: 'gauge',
          help: 'Container start time, seconds since the epoch.',
          labels: container,
          value: 'pod.SinceSecond()',
        },
        {
          name: 'container_cpu_usage_seconds_total',
          dimension: 'container',
          kind: 'counter',
          help: 'CPU time used by the container, in core-seconds.',
          labels: container,
          value: 'pod.CumulativeUsage("cpu", container.name)',
        },
        {
          name: 'container_memory_working_set_bytes',
          dimension: 'container',
          kind: 'gauge',
          help: 'Working set of the container, in bytes.',
          labels: container,
          value: 'pod.Usage("memory", container.name)',
        },
      ],
    },
  };
  const fromAnnotation = (annotation: string, fallback: string) => ({
    expression: `"${annotation}" in pod.metadata.annotations ? Quantity(pod.metadata.annotations["${annotation}"]) : Quantity("${fallback}")`,
  });
  const usage = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterResourceUsage',
    metadata: { name: 'usage-from-annotations' },
    spec: {
      usages: [
        {
          usage: {
            cpu: fromAnnotation(KWOK_USAGE_CPU_ANNOTATION, '1m'),
            memory: fromAnnotation(KWOK_USAGE_MEMORY_ANNOTATION, '1Mi'),
          },
        },
      ],
    },
  };
  return `${stringify(metric)}---\n${stringify(usage)}`;
}

type Obj = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

/** RBAC and the ExternalName Service: applied before the APIService. */
export function metricsServerFoundation(): Obj[] {
  const user = { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: METRICS_SERVER_USER };
  const rbac = 'rbac.authorization.k8s.io/v1';
  return [
    {
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: { name: 'system:metrics-server' },
      rules: [
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      // Who may read metrics: whoever may view a namespace (kubectl top for project viewers).
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: {
        name: 'system:aggregated-metrics-reader',
        labels: {
          'rbac.authorization.k8s.io/aggregate-to-view': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        },
      },
      rules: [
        { apiGroups: ['metrics.k8s.io'], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:metrics-server' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:metrics-server' },
      subjects: [user],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'metrics-server:system:auth-delegator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [user],
    },
    {
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: { name: 'metrics-server-auth-reader', namespace: METRICS_SERVER_NAMESPACE },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'extension-apiserver-authentication-reader',
      },
      subjects: [user],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: METRICS_SERVER, namespace: METRICS_SERVER_NAMESPACE },
      spec: { type: 'ExternalName', externalName: 'localhost' },
    },
  ];
}

/** The APIService, pointing at this platform's port and trusting its CA. */
export function metricsApiService(l: Layout, caPem: string): Obj {
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: METRICS_API_SERVICE },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { name: METRICS_SERVER, namespace: METRICS_SERVER_NAMESPACE, port: l.ports.metricsServer },
      caBundle: Buffer.from(caPem).toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  };
}
