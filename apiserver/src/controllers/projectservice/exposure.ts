// The exposure part of a ProjectService, rendered and reported (issue 14): the NodePort
// Service, the Ingress and the Gateway API HTTPRoute its ports ask for, which of them the
// cluster lets it have, the endpoints it answers on and the Exposed condition. Pure: what the
// cluster holds (other namespaces' routes, whether Gateway API is served, the live children)
// comes in as arguments.
//
// Host names belong to one namespace: the first namespace whose Ingress or HTTPRoute routes
// a host keeps it. A service asking for a host that an older Ingress or HTTPRoute of another
// namespace routes does not get it (HostTaken) — the same host-ownership rule OpenShift's
// router applies to Routes — so a project cannot take over another project's site, nor serve
// a path under it, through kubehpc's broad rights. Inside one namespace hosts are shared: it
// is one project. The controller only compares; it never edits what another namespace owns.

import type { V1Ingress, V1ObjectMeta, V1Service } from '@kubernetes/client-node';
import type { ExposureType, ServiceEndpoint } from '../../../../common/apis/apps/v1alpha1/exposure.ts';
import type { ProjectService, ServicePort } from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { Condition } from '../../../../common/apis/meta/types.ts';
import { childLabels, childNames, nameOf, namespaceOf, ownerReference } from './identity.ts';
import { serviceOver } from './render.ts';
import { sortedRecord } from './sorted.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const HTTP_ROUTE_API_VERSION = `${GATEWAY_GROUP}/v1`;

/** An HTTPRoute as the controller renders it; client-node has no type for the CRD. */
export interface HTTPRoute {
  apiVersion: string;
  kind: 'HTTPRoute';
  metadata: V1ObjectMeta;
  spec?: { hostnames?: string[]; [key: string]: unknown };
}

export interface ExposureChildren {
  nodePortService: V1Service | undefined;
  ingress: V1Ingress | undefined;
  httpRoute: HTTPRoute | undefined;
}

export interface ExposureNames {
  nodePortService: string;
  ingress: string;
  httpRoute: string;
}

export function exposureNames(ps: ProjectService): ExposureNames {
  const name = nameOf(ps);
  return { nodePortService: `${name}-nodeport`, ingress: name, httpRoute: name };
}

/** Why a port is not exposed as asked. */
export interface ExposureProblem {
  port: string;
  reason: 'HostTaken' | 'GatewayAPIUnavailable';
  message: string;
}

/** An Ingress or HTTPRoute somewhere in the cluster, as far as host ownership goes. */
export interface HostClaim {
  kind: 'Ingress' | 'HTTPRoute';
  namespace: string;
  name: string;
  hosts: readonly string[];
  created: string | undefined;
}

/** What the cluster says, for deciding which exposures the service may have. */
export interface ExposureWorld {
  /** Every Ingress and HTTPRoute of the cluster (the service's own included). */
  claims: readonly HostClaim[];
  /** Whether the cluster serves gateway.networking.k8s.io/v1 HTTPRoutes. */
  gatewayAPI: boolean;
}

export interface ExposurePlan {
  children: ExposureChildren;
  problems: ExposureProblem[];
}

function exposed(ps: ProjectService, type: ExposureType): ServicePort[] {
  return (ps.spec.ports ?? []).filter((p) => p.expose?.type === type);
}

/** Whether any port asks for more than the in-cluster Service. */
export function asksForExposure(ps: ProjectService): boolean {
  return (ps.spec.ports ?? []).some((p) => p.expose !== undefined && p.expose.type !== 'ClusterIP');
}

function metadata(ps: ProjectService, name: string) {
  return {
    name,
    namespace: namespaceOf(ps),
    labels: sortedRecord(childLabels(ps, 'network')),
    ownerReferences: [ownerReference(ps)],
  };
}

/**
 * The children the exposure asks for, less what the world refuses: a port whose host another
 * namespace holds, an HTTPRoute when the cluster has no Gateway API.
 */
export function planExposure(ps: ProjectService, world: ExposureWorld): ExposurePlan {
  const problems: ExposureProblem[] = [];
  const allowed = (type: 'Ingress' | 'HTTPRoute') =>
    exposed(ps, type).filter((port) => {
      const host = port.expose?.host ?? '';
      const holder = holderOf(ps, type, host, world.claims);
      if (!holder) return true;
      problems.push({
        port: port.name,
        reason: 'HostTaken',
        message: `port ${port.name}: host ${host} is already routed by ${holder.kind} ${holder.namespace}/${holder.name}; a host belongs to one project`,
      });
      return false;
    });
  const ingressPorts = allowed('Ingress');
  let routePorts = allowed('HTTPRoute');
  if (routePorts.length > 0 && !world.gatewayAPI) {
    for (const port of routePorts)
      problems.push({
        port: port.name,
        reason: 'GatewayAPIUnavailable',
        message: `port ${port.name}: the cluster does not serve ${HTTP_ROUTE_API_VERSION} HTTPRoutes; install the Gateway API CRDs or expose it another way`,
      });
    routePorts = [];
  }
  return {
    children: {
      nodePortService: renderNodePortService(ps),
      ingress: renderIngress(ps, ingressPorts),
      httpRoute: renderHTTPRoute(ps, routePorts),
    },
    problems,
  };
}

/**
 * The claim that keeps `host` from this service: another namespace's Ingress or HTTPRoute
 * routing it that is older than the service's own live object of `kind` holding it (a new
 * claim is younger than every existing one). Ties go to the smaller namespace/name, so two
 * services racing for a host end with one winner whichever is reconciled first.
 */
export function holderOf(
  ps: ProjectService,
  kind: HostClaim['kind'],
  host: string,
  claims: readonly HostClaim[],
): HostClaim | undefined {
  const namespace = namespaceOf(ps);
  const ownName = kind === 'Ingress' ? exposureNames(ps).ingress : exposureNames(ps).httpRoute;
  const own = claims.find(
    (c) => c.kind === kind && c.namespace === namespace && c.name === ownName && c.hosts.includes(host),
  );
  const rivals = claims.filter((c) => c.namespace !== namespace && c.hosts.includes(host)).sort(olderFirst);
  const first = rivals[0];
  if (!first) return undefined;
  if (!own) return first;
  return olderFirst(first, own) < 0 ? first : undefined;
}

function olderFirst(a: HostClaim, b: HostClaim): number {
  const ta = a.created ?? '';
  const tb = b.created ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.namespace}/${a.name}`;
  const kb = `${b.namespace}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A Service of type NodePort over the NodePort ports only; the cluster picks the numbers. */
export function renderNodePortService(ps: ProjectService): V1Service | undefined {
  const ports = exposed(ps, 'NodePort');
  if (ports.length === 0) return undefined;
  return serviceOver(ps, exposureNames(ps).nodePortService, ports, 'NodePort');
}

/** One Ingress for the given ports: a rule per host, a Prefix path per port, to the Service. */
export function renderIngress(ps: ProjectService, ports: readonly ServicePort[]): V1Ingress | undefined {
  if (ports.length === 0) return undefined;
  const service = childNames(ps).service;
  const hosts: string[] = [];
  const paths = new Map<string, Array<{ path: string; port: string }>>();
  for (const p of ports) {
    const host = p.expose?.host ?? '';
    if (!paths.has(host)) {
      hosts.push(host);
      paths.set(host, []);
    }
    paths.get(host)?.push({ path: p.expose?.path ?? '/', port: p.name });
  }
  const className = ports[0]?.expose?.ingressClassName;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: metadata(ps, exposureNames(ps).ingress),
    spec: {
      ...(className !== undefined ? { ingressClassName: className } : {}),
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: (paths.get(host) ?? []).map((p) => ({
            path: p.path,
            pathType: 'Prefix',
            backend: { service: { name: service, port: { name: p.port } } },
          })),
        },
      })),
    },
  };
}

/**
 * One HTTPRoute for the given ports (validation makes them share host and Gateway): a
 * PathPrefix rule per port to the Service. Gateway API's defaults are written out, so what
 * the server returns is no drift.
 */
export function renderHTTPRoute(ps: ProjectService, ports: readonly ServicePort[]): HTTPRoute | undefined {
  const first = ports[0]?.expose;
  if (!first?.gateway || first.host === undefined) return undefined;
  const gateway = first.gateway;
  const service = childNames(ps).service;
  return {
    apiVersion: HTTP_ROUTE_API_VERSION,
    kind: 'HTTPRoute',
    metadata: metadata(ps, exposureNames(ps).httpRoute),
    spec: {
      parentRefs: [
        {
          group: GATEWAY_GROUP,
          kind: 'Gateway',
          name: gateway.name,
          ...(gateway.namespace !== undefined ? { namespace: gateway.namespace } : {}),
          ...(gateway.sectionName !== undefined ? { sectionName: gateway.sectionName } : {}),
        },
      ],
      hostnames: [first.host],
      rules: ports.map((p) => ({
        matches: [{ path: { type: 'PathPrefix', value: p.expose?.path ?? '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: service, port: p.port, weight: 1 }],
      })),
    },
  };
}

/** The hosts an Ingress or HTTPRoute routes, as a claim. */
export function claimOf(o: V1Ingress | HTTPRoute): HostClaim {
  // A Date from an informer, the JSON string from a plain list.
  const created: unknown = o.metadata?.creationTimestamp;
  const base = {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    created:
      created instanceof Date ? created.toISOString() : typeof created === 'string' ? created : undefined,
  };
  if (o.kind === 'HTTPRoute') {
    const hostnames = (o as HTTPRoute).spec?.hostnames;
    return { ...base, kind: 'HTTPRoute', hosts: Array.isArray(hostnames) ? hostnames.map(String) : [] };
  }
  const rules = (o as V1Ingress).spec?.rules ?? [];
  return { ...base, kind: 'Ingress', hosts: rules.flatMap((r) => (r.host ? [r.host] : [])) };
}

/** What the loop found live of the exposure children, with the problems of the plan. */
export interface ObservedExposure {
  nodePortService?: V1Service | undefined;
  ingress?: V1Ingress | undefined;
  httpRoute?: HTTPRoute | undefined;
  problems: readonly ExposureProblem[];
}

/**
 * Every address the service answers on: each port in the cluster, then each exposure that
 * is live (a node port once the cluster assigned it, a route once it exists).
 */
export function endpoints(ps: ProjectService, observed: ObservedExposure): ServiceEndpoint[] {
  const ports = ps.spec.ports ?? [];
  const out: ServiceEndpoint[] = ports.map((p) => ({
    port: p.name,
    type: 'ClusterIP',
    url: `${nameOf(ps)}.${namespaceOf(ps)}.svc:${p.port}`,
  }));
  for (const p of ports) {
    const e = p.expose;
    if (!e || e.type === 'ClusterIP') continue;
    if (e.type === 'NodePort') {
      const live = observed.nodePortService?.spec?.ports?.find((lp) => lp.name === p.name)?.nodePort;
      if (live) out.push({ port: p.name, type: 'NodePort', url: `<node>:${live}` });
      continue;
    }
    const path = e.path ?? '/';
    const url = `http://${e.host ?? ''}${path}`;
    if (e.type === 'Ingress') {
      const rule = observed.ingress?.spec?.rules?.find((r) => r.host === e.host);
      if (rule?.http?.paths?.some((lp) => lp.path === path)) out.push({ port: p.name, type: 'Ingress', url });
    } else if (observed.httpRoute?.spec?.hostnames?.includes(e.host ?? '')) {
      out.push({ port: p.name, type: 'HTTPRoute', url });
    }
  }
  return out;
}

/**
 * Exposed: only for a service that asks for more than ClusterIP. False with the first
 * problem's reason when the cluster refused something, False/Pending while an exposure is not
 * live yet, True once every one is.
 */
export function exposedCondition(
  ps: ProjectService,
  observed: ObservedExposure,
  found: readonly ServiceEndpoint[],
): Omit<Condition, 'lastTransitionTime'> | undefined {
  if (!asksForExposure(ps)) return undefined;
  const first = observed.problems[0];
  if (first)
    return {
      type: 'Exposed',
      status: 'False',
      reason: first.reason,
      message: observed.problems.map((p) => p.message).join('; '),
    };
  const asked = (ps.spec.ports ?? []).filter((p) => p.expose && p.expose.type !== 'ClusterIP');
  const missing = asked.filter((p) => !found.some((e) => e.port === p.name && e.type === p.expose?.type));
  if (missing.length > 0)
    return {
      type: 'Exposed',
      status: 'False',
      reason: 'Pending',
      message: `waiting for ${missing.map((p) => `port ${p.name} (${p.expose?.type})`).join(', ')}`,
    };
  return {
    type: 'Exposed',
    status: 'True',
    reason: 'Exposed',
    message: found
      .filter((e) => e.type !== 'ClusterIP')
      .map((e) => `${e.port}: ${e.url}`)
      .join(', '),
  };
}
