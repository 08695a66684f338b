// How a port of a ProjectService is reached from outside its namespace's Service (issue 14,
// exposure): its schema, its TypeScript shape and the rules a schema cannot state, kept in one
// file so schema.ts, types.ts and validation.ts each gain one line.
//
//   ClusterIP  the default: only the in-cluster Service.
//   NodePort   a second Service, `<name>-nodeport`, of type NodePort over the NodePort ports
//              only (a port never gains a node port it did not ask for). The node port number
//              is always assigned by the cluster: a project cannot pick, and so cannot squat, a
//              number another project or the cluster's own tooling relies on.
//   Ingress    an Ingress (networking.k8s.io/v1) named like the service, one rule per port.
//   HTTPRoute  a Gateway API HTTPRoute (gateway.networking.k8s.io/v1) attached to a Gateway;
//              whether the Gateway admits routes from this namespace is the Gateway owner's
//              call (its allowedRoutes), as Gateway API intends.
// Host names are exact (no wildcards, no IP addresses, no host-less catch-all rules): a host
// names a site, and the controller refuses a host another namespace already routes (see
// apiserver/src/controllers/projectservice/exposure.ts). Pure.

import * as field from '../../field.ts';
import type { Schema } from '../../schema.ts';

export const EXPOSURE_TYPES = ['ClusterIP', 'NodePort', 'Ingress', 'HTTPRoute'] as const;
export type ExposureType = (typeof EXPOSURE_TYPES)[number];

export interface GatewayRef {
  name: string;
  namespace?: string;
  sectionName?: string;
}

export interface PortExposure {
  type: ExposureType;
  host?: string;
  path?: string;
  ingressClassName?: string;
  gateway?: GatewayRef;
}

/** One address the service answers on, as status.endpoints lists it. */
export interface ServiceEndpoint {
  /** The name of the port in spec.ports. */
  port: string;
  type: ExposureType;
  /** host:port in the cluster, `<node>:NODEPORT` on any node, or http://host/path. */
  url: string;
}

const MAX_PATH = 1024;

export const PORT_EXPOSURE_SCHEMA: Schema = {
  type: 'object',
  description:
    'How the port is reached: ClusterIP (in the cluster only), NodePort (on every node, number assigned by the cluster), Ingress or HTTPRoute (HTTP by host name and path).',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: EXPOSURE_TYPES, description: 'ClusterIP, NodePort, Ingress or HTTPRoute.' },
    host: {
      type: 'string',
      format: 'dns1123-subdomain',
      minLength: 1,
      maxLength: 253,
      description:
        'Ingress and HTTPRoute: the exact host name, e.g. portal.example.org (no wildcards). A host another namespace already routes is refused.',
    },
    path: {
      type: 'string',
      pattern: '^/',
      maxLength: MAX_PATH,
      description: 'Ingress and HTTPRoute: the path prefix routed to the port; / when unset.',
    },
    ingressClassName: {
      type: 'string',
      format: 'dns1123-subdomain',
      minLength: 1,
      description: "Ingress: the IngressClass; the cluster's default class when unset.",
    },
    gateway: {
      type: 'object',
      description: 'HTTPRoute: the Gateway the route attaches to.',
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          format: 'dns1123-subdomain',
          minLength: 1,
          description: 'Name of the Gateway.',
        },
        namespace: {
          type: 'string',
          format: 'dns1123-label',
          minLength: 1,
          description: "Namespace of the Gateway; the service's own when unset.",
        },
        sectionName: {
          type: 'string',
          format: 'dns1123-subdomain',
          minLength: 1,
          description: 'A listener of the Gateway; all of its listeners when unset.',
        },
      },
    },
  },
};

export const SERVICE_ENDPOINTS_SCHEMA: Schema = {
  type: 'array',
  description: 'Every address the service answers on: in the cluster and as exposed.',
  items: {
    type: 'object',
    required: ['port', 'type', 'url'],
    properties: {
      port: { type: 'string', description: 'Name of the port in spec.ports.' },
      type: { type: 'string', enum: EXPOSURE_TYPES },
      url: {
        type: 'string',
        description: 'name.namespace.svc:port, <node>:nodePort (any node) or http://host/path.',
      },
    },
  },
};

/** An IPv4 address also matches the DNS subdomain format, and an Ingress host may not be one. */
const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;

/**
 * The path rules kube-apiserver applies to Prefix Ingress paths and Gateway API to
 * PathPrefix matches, checked here so the API refuses what the cluster would.
 */
export function routePath(value: string): string[] {
  const errs: string[] = [];
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/%-]*$/.test(value))
    errs.push("must be an absolute path of URL path characters (letters, digits and -._~!$&'()*+,;=:@/%)");
  for (const bad of ['//', '/./', '/../', '%2f', '%2F'])
    if (value.includes(bad)) errs.push(`must not contain '${bad}'`);
  if (value.endsWith('/..') || value.endsWith('/.')) errs.push("must not end with '/..' or '/.'");
  return errs;
}

const FIELDS_OF: Record<ExposureType, ReadonlyArray<keyof PortExposure>> = {
  ClusterIP: [],
  NodePort: [],
  Ingress: ['host', 'path', 'ingressClassName'],
  HTTPRoute: ['host', 'path', 'gateway'],
};

interface Port {
  name: string;
  protocol?: string;
  expose?: PortExposure;
}

/**
 * Exposure rules beyond the schema: each type takes only its own fields, HTTP routes need a
 * host (and a route a Gateway), go over TCP, never share host and path, and — as one Ingress
 * and one HTTPRoute realise all of a service's ports — share one class, or one host and
 * Gateway. Paths point into spec.ports[i].expose.
 */
export function validateExposure(ports: readonly Port[], path: field.FieldPath): field.FieldError[] {
  const errors: field.FieldError[] = [];
  const routes = new Set<string>();
  let ingressClass: { value: string | undefined; at: number } | undefined;
  let route: { key: string; at: number } | undefined;
  for (const [i, port] of ports.entries()) {
    const e = port.expose;
    if (!e) continue;
    const at = path.index(i).child('expose');
    const allowed = FIELDS_OF[e.type] ?? [];
    for (const key of ['host', 'path', 'ingressClassName', 'gateway'] as const) {
      if (e[key] === undefined || allowed.includes(key)) continue;
      errors.push(field.forbidden(at.child(key), `may only be set when type is ${typesWith(key)}`));
    }
    if (e.type !== 'Ingress' && e.type !== 'HTTPRoute') continue;
    if ((port.protocol ?? 'TCP') !== 'TCP')
      errors.push(
        field.invalid(at.child('type'), e.type, `routes HTTP, which needs a TCP port, not ${port.protocol}`),
      );
    if (e.host === undefined) errors.push(field.required(at.child('host'), `a ${e.type} needs a host name`));
    else if (IPV4.test(e.host))
      errors.push(field.invalid(at.child('host'), e.host, 'must be a DNS name, not an IP address'));
    for (const m of routePath(e.path ?? '/')) errors.push(field.invalid(at.child('path'), e.path, m));
    const key = `${e.host ?? ''}${e.path ?? '/'}`;
    if (routes.has(key)) errors.push(field.duplicate(at.child('path'), key));
    routes.add(key);
    if (e.type === 'Ingress') {
      if (ingressClass === undefined) ingressClass = { value: e.ingressClassName, at: i };
      else if (ingressClass.value !== e.ingressClassName)
        errors.push(
          field.invalid(
            at.child('ingressClassName'),
            e.ingressClassName ?? null,
            `must equal spec.ports[${ingressClass.at}].expose.ingressClassName: one Ingress serves all Ingress ports of a service`,
          ),
        );
    } else {
      if (e.gateway === undefined)
        errors.push(field.required(at.child('gateway'), 'an HTTPRoute attaches to a Gateway'));
      const g = e.gateway;
      const routeKey = JSON.stringify([e.host, g?.name, g?.namespace ?? '', g?.sectionName ?? '']);
      if (route === undefined) route = { key: routeKey, at: i };
      else if (route.key !== routeKey)
        errors.push(
          field.invalid(
            at,
            `${e.host ?? ''} via ${g?.namespace ?? ''}/${g?.name ?? ''}`,
            `must have the host and gateway of spec.ports[${route.at}].expose: one HTTPRoute serves all HTTPRoute ports of a service`,
          ),
        );
    }
  }
  return errors;
}

function typesWith(key: keyof PortExposure): string {
  return EXPOSURE_TYPES.filter((t) => FIELDS_OF[t].includes(key)).join(' or ');
}
