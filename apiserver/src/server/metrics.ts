// kube-apiserver-style metrics with prom-client: requests by verb, group, version,
// resource, subresource, scope and code; request latency; long-running (watch) requests;
// storage latency; TLS connections by negotiated protocol (h2 carries many requests on one). One registry per server, so tests can run several in one process.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestInfo } from './requestinfo.ts';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<
    'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component' | 'code'
  >;
  duration: Histogram<'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component'>;
  longRunning: Gauge<'verb' | 'group' | 'version' | 'resource' | 'scope' | 'component'>;
  storage: Histogram<'operation' | 'type'>;
  authenticationAttempts: Counter<'result'>;
  connections: Counter<'protocol'>;
  protocolRequests: Counter<'protocol'>;
}

export function serverMetrics(): ServerMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: [
        0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
      ],
      registers: [registry],
    }),
    longRunning: new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component.',
      labelNames: ['verb', 'group', 'version', 'resource', 'scope', 'component'],
      registers: [registry],
    }),
    storage: new Histogram({
      name: 'etcd_request_duration_seconds',
      help: 'Etcd request latency in seconds for each operation and object type.',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    authenticationAttempts: new Counter({
      name: 'authentication_attempts',
      help: 'Counter of authenticated attempts.',
      labelNames: ['result'],
      registers: [registry],
    }),
    connections: new Counter({
      name: 'kubehpc_apiserver_tls_connections_total',
      help: 'TLS connections accepted on the secure port, by the protocol negotiated in ALPN (h2 or http/1.1).',
      labelNames: ['protocol'],
      registers: [registry],
    }),
    protocolRequests: new Counter({
      name: 'kubehpc_apiserver_resource_requests_by_protocol_total',
      help: 'Resource requests (watches included) by HTTP protocol (h2 or http/1.1).',
      labelNames: ['protocol'],
      registers: [registry],
    }),
  };
}

/** The `scope` label of a request: resource, namespace, cluster, or '' for a non-resource path. */
export function scopeOf(info: RequestInfo): string {
  if (!info.isResourceRequest) return '';
  if (info.name) return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}
