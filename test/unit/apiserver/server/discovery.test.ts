import t from 'tap';
import { STRATEGIES } from '../../../../apiserver/src/registry/served.ts';
import {
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
} from '../../../../apiserver/src/server/discovery.ts';
import {
  definitionName,
  openapiHandler,
  openapiV2,
  openapiV3,
} from '../../../../apiserver/src/server/openapi.ts';

t.test('legacy discovery lists both groups and never an empty resource list', async (t) => {
  t.same(
    apiGroupList(STRATEGIES).groups.map((g) => g.name),
    ['apps.kubehpc.dev', 'scaling.kubehpc.dev'],
  );
  const apps = apiResourceList('apps.kubehpc.dev', 'v1alpha1', STRATEGIES);
  t.same(
    apps.resources.map((r) => r.name),
    ['projectservices', 'projectservices/status', 'projectservices/scale'],
  );
  t.match(apps.resources[0], {
    kind: 'ProjectService',
    namespaced: true,
    shortNames: ['ps'],
    categories: ['hpc'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  });
  t.match(apps.resources[2], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

t.test('aggregated discovery v2 describes resources and subresources', async (t) => {
  const doc = aggregatedDiscovery(STRATEGIES);
  t.equal(doc.apiVersion, 'apidiscovery.k8s.io/v2');
  const sp = doc.items.find((g) => g.metadata.name === 'scaling.kubehpc.dev')?.versions[0]?.resources[0];
  t.match(sp, { resource: 'scalingpolicies', scope: 'Namespaced', shortNames: ['sp'], categories: ['hpc'] });
  t.same(
    sp?.subresources.map((s) => s.subresource),
    ['status'],
  );
});

t.test('OpenAPI carries x-kubernetes-group-version-kind and the schemas themselves', async (t) => {
  const v2 = openapiV2(STRATEGIES) as {
    definitions: Record<string, Record<string, unknown>>;
    paths: Record<string, unknown>;
  };
  const ps = v2.definitions[definitionName('apps.kubehpc.dev', 'v1alpha1', 'ProjectService')];
  t.same(ps?.['x-kubernetes-group-version-kind'], [
    { group: 'apps.kubehpc.dev', version: 'v1alpha1', kind: 'ProjectService' },
  ]);
  const props = ps?.properties as
    | Record<string, { properties: Record<string, Record<string, unknown>> }>
    | undefined;
  const ports = props?.spec?.properties.ports;
  t.equal(ports?.['x-kubernetes-patch-merge-key'], 'name', 'kubectl learns how to merge keyed lists');
  t.ok(v2.paths['/apis/apps.kubehpc.dev/v1alpha1/namespaces/{namespace}/projectservices/{name}/scale']);
  const v3 = openapiV3(STRATEGIES, 'scaling.kubehpc.dev', 'v1alpha1') as unknown as {
    paths: Record<string, Record<string, { parameters: Array<{ name: string }> }>>;
  };
  const patch =
    v3.paths['/apis/scaling.kubehpc.dev/v1alpha1/namespaces/{namespace}/scalingpolicies/{name}']?.patch;
  t.ok(
    patch?.parameters.some((p) => p.name === 'fieldValidation'),
    'kubectl detects server-side field validation',
  );
  const handler = openapiHandler(STRATEGIES);
  const root = JSON.parse(handler('/openapi/v3')?.body ?? '{}') as {
    paths: Record<string, { serverRelativeURL: string }>;
  };
  t.same(Object.keys(root.paths), ['apis/apps.kubehpc.dev/v1alpha1', 'apis/scaling.kubehpc.dev/v1alpha1']);
  t.match(handler('/openapi/v2')?.headers.ETag, /^"[0-9A-F]+"$/);
  t.equal(handler('/openapi/v3/apis/nope/v1'), undefined);
});
