// What the cluster holds that decides who owns a host (exposure.ts decides with it): every
// HTTPRoute, listed while a service has or had an HTTP route (which also tells whether
// Gateway API is served), and the services refused a host, looked at again when an Ingress
// goes because the host may be free. Listed rather than watched: the Gateway API CRDs may
// come and go while the controller runs.

import type { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { apiFailure } from '../errors.ts';
import { GATEWAY_GROUP, type HTTPRoute } from './exposure.ts';

/**
 * Every HTTPRoute of the cluster while the service asks for an HTTP route or had one (its
 * own must be found to be updated or deleted); undefined when Gateway API is not served.
 */
export async function httpRoutes(
  custom: CustomObjectsApi,
  ps: ProjectService,
): Promise<HTTPRoute[] | undefined> {
  const routed = (ps.spec.ports ?? []).some(
    (p) => p.expose?.type === 'Ingress' || p.expose?.type === 'HTTPRoute',
  );
  const had =
    ps.status?.endpoints?.some((e) => e.type === 'HTTPRoute') ||
    ps.status?.conditions?.some((c) => c.type === 'Exposed');
  if (!routed && !had) return [];
  try {
    const list = (await custom.listClusterCustomObject({
      group: GATEWAY_GROUP,
      version: 'v1',
      plural: 'httproutes',
    })) as { items?: HTTPRoute[] };
    return list.items ?? [];
  } catch (error) {
    if (apiFailure(error).code === 404) return undefined;
    throw error;
  }
}

/** The services a host was refused to (Exposed=False, HostTaken). */
export function refusedHost<T extends ProjectService & KubernetesObject>(services: readonly T[]): T[] {
  return services.filter((ps) =>
    ps.status?.conditions?.some((c) => c.type === 'Exposed' && c.reason === 'HostTaken'),
  );
}
