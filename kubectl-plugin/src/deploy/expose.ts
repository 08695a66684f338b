// `--expose` of deploy and update: how a port is reached from outside the cluster, parsed
// into spec.ports[].expose, and the endpoints a ready service reports, for the verb's output.
// Pure; every mistake is a UsageError before any request.
//
//   [PORT=]clusterip                                      in the cluster only (undoes an exposure)
//   [PORT=]nodeport                                       a node port the cluster assigns
//   [PORT=]ingress:HOST[/PATH][@CLASS]                    an Ingress (of IngressClass CLASS)
//   [PORT=]httproute:HOST[/PATH]@[NAMESPACE/]GATEWAY[:SECTION]   a Gateway API HTTPRoute
// PORT names one of spec.ports; without it, the first port.

import type { PortExposure } from '../../../common/apis/apps/v1alpha1/exposure.ts';
import type { ServicePort } from '../../../common/apis/apps/v1alpha1/types.ts';
import { UsageError } from '../errors.ts';
import { checkName, checkSubdomain } from '../values.ts';

export interface Exposure {
  /** The port's name; undefined: the first port. */
  port: string | undefined;
  expose: PortExposure;
}

const FORMS =
  'clusterip, nodeport, ingress:HOST[/PATH][@CLASS] or httproute:HOST[/PATH]@[NAMESPACE/]GATEWAY[:SECTION], optionally after PORT=';

function hostAndPath(value: string, flagValue: string): { host: string; path: string } {
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const path = slash < 0 ? '/' : value.slice(slash);
  if (host === '') throw new UsageError(`--expose ${flagValue}: a route needs a host name`);
  if (host.startsWith('*')) throw new UsageError(`--expose ${flagValue}: wildcard hosts are not allowed`);
  checkSubdomain(host, `host in --expose ${flagValue}`);
  return { host, path };
}

export function parseExpose(value: string): Exposure {
  const eq = value.indexOf('=');
  const port = eq < 0 ? undefined : checkName(value.slice(0, eq), 'port name in --expose');
  const rest = eq < 0 ? value : value.slice(eq + 1);
  const colon = rest.indexOf(':');
  const kind = (colon < 0 ? rest : rest.slice(0, colon)).toLowerCase();
  const target = colon < 0 ? '' : rest.slice(colon + 1);
  if ((kind === 'clusterip' || kind === 'nodeport') && colon < 0)
    return { port, expose: { type: kind === 'nodeport' ? 'NodePort' : 'ClusterIP' } };
  if (kind === 'ingress' && target !== '') {
    const at = target.lastIndexOf('@');
    const route = hostAndPath(at < 0 ? target : target.slice(0, at), value);
    const className =
      at < 0 ? undefined : checkSubdomain(target.slice(at + 1), `ingress class in --expose ${value}`);
    return {
      port,
      expose: {
        type: 'Ingress',
        ...route,
        ...(className !== undefined ? { ingressClassName: className } : {}),
      },
    };
  }
  if (kind === 'httproute' && target !== '') {
    const at = target.lastIndexOf('@');
    if (at < 0) throw new UsageError(`--expose ${value}: an HTTPRoute needs @[NAMESPACE/]GATEWAY`);
    const route = hostAndPath(target.slice(0, at), value);
    const ref = target.slice(at + 1);
    const [where, section] = ref.split(':', 2) as [string, string | undefined];
    const parts = where.split('/');
    if (parts.length > 2) throw new UsageError(`--expose ${value}: the gateway is [NAMESPACE/]NAME`);
    const name = checkSubdomain(parts[parts.length - 1] ?? '', `gateway in --expose ${value}`);
    const namespace =
      parts.length === 2 ? checkName(parts[0] ?? '', `gateway namespace in --expose ${value}`) : undefined;
    return {
      port,
      expose: {
        type: 'HTTPRoute',
        ...route,
        gateway: {
          name,
          ...(namespace !== undefined ? { namespace } : {}),
          ...(section !== undefined
            ? { sectionName: checkSubdomain(section, `listener in --expose ${value}`) }
            : {}),
        },
      },
    };
  }
  throw new UsageError(`--expose must be ${FORMS}, got "${value}"`);
}

/** `ports` with each exposure set on its port; naming no port or an unknown one is an error. */
export function withExposures(
  ports: readonly ServicePort[] | undefined,
  exposures: readonly Exposure[],
): ServicePort[] {
  if (!ports || ports.length === 0)
    throw new UsageError('--expose needs a port: give --port NAME:NUMBER (or a service that has ports)');
  const out = ports.map((p) => ({ ...p }));
  const seen = new Set<string>();
  for (const { port, expose } of exposures) {
    const target = port === undefined ? out[0] : out.find((p) => p.name === port);
    if (!target)
      throw new UsageError(
        `--expose names port "${port}", but the service has ${out.map((p) => p.name).join(', ')}`,
      );
    if (seen.has(target.name)) throw new UsageError(`--expose: port ${target.name} is exposed twice`);
    seen.add(target.name);
    target.expose = expose;
  }
  return out;
}

/** The lines deploy prints for the endpoints outside the cluster. */
export function exposedLines(
  endpoints: readonly { port: string; type: string; url: string }[] | undefined,
): string[] {
  return (endpoints ?? [])
    .filter((e) => e.type !== 'ClusterIP')
    .map((e) => `  ${e.port}: ${e.url} (${e.type})`);
}
