// kube-apiserver-style metrics with prom-client: requests by verb, group, version,
// resource, subresource, scope and code; request latency; long-running (watch) requests;
// storage latency; TLS connections by negotiated protocol (h2 carries many requests on one).
// One registry per server, so tests can run several in one process.
// Label values that come from the URL are kept only when they name something served: every
// new combination is a series held for the life of the process (a histogram of 23 buckets),
// so made-up paths — from anyone, even unauthenticated — must not mint them.

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

export type RequestLabels = Record<
  'verb' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component',
  string
>;

/** `group/version/resource[/subresource]`: the keys of the set `requestLabels` trusts. */
export function servedKey(group: string, version: string, resource: string, subresource?: string): string {
  return [group, version, resource, ...(subresource ? [subresource] : [])].join('/');
}

/** The `servedKey`s of the resources and subresources (status; scale where mapped) served. */
export function servedResources(
  strategies: ReadonlyArray<{
    definition: { group: string; version: string; plural: string };
    scale?: unknown;
  }>,
): Set<string> {
  return new Set(
    strategies.flatMap(({ definition: d, scale }) => [
      servedKey(d.group, d.version, d.plural),
      servedKey(d.group, d.version, d.plural, 'status'),
      ...(scale ? [servedKey(d.group, d.version, d.plural, 'scale')] : []),
    ]),
  );
}

/**
 * The request metrics' labels. A resource request's group, version, resource and subresource
 * are its own only when `served` holds them; otherwise they are blank, as for a non-resource
 * path. The verb is from the HTTP method and the scope one of four values: both bounded. Pure.
 */
export function requestLabels(info: RequestInfo, served: ReadonlySet<string>): RequestLabels {
  const known =
    info.isResourceRequest &&
    served.has(servedKey(info.group, info.version, info.resource, info.subresource));
  return {
    verb: info.verb.toUpperCase(),
    group: known ? info.group : '',
    version: known ? info.version : '',
    resource: known ? info.resource : '',
    subresource: known ? (info.subresource ?? '') : '',
    scope: scopeOf(info),
    component: 'apiserver',
  };
}

/** The `scope` label of a request: resource, namespace, cluster, or '' for a non-resource path. */
export function scopeOf(info: RequestInfo): string {
  if (!info.isResourceRequest) return '';
  if (info.name) return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}
