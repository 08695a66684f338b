// Discovery documents built from the served strategies: /apis (APIGroupList, or the
// aggregated apidiscovery.k8s.io/v2 APIGroupDiscoveryList), /apis/<group> (APIGroup) and
// /apis/<group>/<version> (APIResourceList). Pure, computed once at start-up.

import type { Strategy } from '../registry/strategy.ts';

export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

const MAIN_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

type AnyStrategy = Strategy<unknown, unknown>;

function groupsOf(
  strategies: readonly AnyStrategy[],
): Map<string, { version: string; strategies: AnyStrategy[] }> {
  const groups = new Map<string, { version: string; strategies: AnyStrategy[] }>();
  for (const s of strategies) {
    const d = s.definition;
    const entry = groups.get(d.group) ?? { version: d.version, strategies: [] };
    entry.strategies.push(s);
    groups.set(d.group, entry);
  }
  return groups;
}

export function apiGroup(group: string, version: string) {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
}

export function apiGroupList(strategies: readonly AnyStrategy[]) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(strategies)].map(([group, { version }]) => {
      const { kind: _k, apiVersion: _a, ...rest } = apiGroup(group, version);
      return rest;
    }),
  };
}

export function apiResourceList(group: string, version: string, strategies: readonly AnyStrategy[]) {
  const resources: Record<string, unknown>[] = [];
  for (const s of strategies) {
    const d = s.definition;
    if (d.group !== group || d.version !== version) continue;
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: true,
      kind: d.kind,
      verbs: MAIN_VERBS,
      shortNames: d.shortNames,
      categories: d.categories,
    });
    resources.push({
      name: `${d.plural}/status`,
      singularName: '',
      namespaced: true,
      kind: d.kind,
      verbs: SUBRESOURCE_VERBS,
    });
    if (s.scale) {
      resources.push({
        name: `${d.plural}/scale`,
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: SUBRESOURCE_VERBS,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}

/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList: every group, version and resource in one document. */
export function aggregatedDiscovery(strategies: readonly AnyStrategy[]) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groupsOf(strategies)].map(([group, { version, strategies: members }]) => ({
      metadata: { name: group },
      versions: [
        {
          version,
          freshness: 'Current',
          resources: members.map((s) => {
            const d = s.definition;
            return {
              resource: d.plural,
              responseKind: { group: d.group, version: d.version, kind: d.kind },
              scope: 'Namespaced',
              singularResource: d.singular,
              verbs: MAIN_VERBS,
              shortNames: d.shortNames,
              categories: d.categories,
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: d.group, version: d.version, kind: d.kind },
                  verbs: SUBRESOURCE_VERBS,
                },
                ...(s.scale
                  ? [
                      {
                        subresource: 'scale',
                        responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                        verbs: SUBRESOURCE_VERBS,
                      },
                    ]
                  : []),
              ],
            };
          }),
        },
      ],
    })),
  };
}
