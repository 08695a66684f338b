// The API server over HTTPS, started in-process with an etcd prefix of its own: the verbs,
// their Status errors, subresources, Table output, watch and authentication.

import { join } from 'node:path';
import t from 'tap';
import { AGGREGATED_DISCOVERY_CONTENT_TYPE } from '../../../apiserver/src/server/discovery.ts';
import { EtcdClient } from '../../../apiserver/src/storage/etcd/client.ts';
import { eventually, kubectl, platform, testNamespace } from '../../support/cluster.ts';
import { call, openWatch, PS_PATH, projectService, SP_PATH, startTestServer } from './support.ts';

const server = await startTestServer();
t.teardown(() => server.running.stop());
const port = server.port;
const ns = await testNamespace(t, 'apisrv');
const etcd = new EtcdClient({
  endpoint: `https://127.0.0.1:${platform.ports.etcdClient}`,
  caFile: join(platform.pkiDir, 'ca.crt'),
  certFile: join(platform.pkiDir, 'kubehpc-apiserver-etcd-client.crt'),
  keyFile: join(platform.pkiDir, 'kubehpc-apiserver-etcd-client.key'),
});
t.teardown(() => etcd.close());

t.test('health and metrics', async (t) => {
  const ready = await call(port, 'GET', '/readyz', { as: 'none' });
  t.equal(ready.status, 200, 'readyz needs no credentials');
  t.equal((await call(port, 'GET', '/livez', { as: 'none' })).status, 200);
  t.equal((await call(port, 'GET', '/metrics', { as: 'none' })).status, 401, 'metrics need credentials');
  await call(port, 'GET', PS_PATH(ns));
  // Made-up paths, with and without credentials, must not become label values.
  const madeUp = `gadgets${Date.now()}`;
  t.equal((await call(port, 'GET', `/apis/made.up/v1/namespaces/${ns}/${madeUp}`)).status, 404);
  t.equal((await call(port, 'GET', `/apis/apps.kubehpc.dev/v1alpha1/${madeUp}`, { as: 'none' })).status, 401);
  t.equal((await call(port, 'GET', `${PS_PATH(ns)}/x/${madeUp}`)).status, 404);
  const metrics = await call(port, 'GET', '/metrics');
  t.notMatch(metrics.text, madeUp, 'no series for a resource that is not served');
  t.notMatch(metrics.text, 'made.up');
  t.match(metrics.text, /^kubehpc_nodejs_heap_live_bytes \d/m, 'the live heap');
  t.match(metrics.text, /^process_resident_memory_bytes \d/m, 'the resident set');
  t.match(
    metrics.text,
    /apiserver_request_total\{verb="LIST",group="apps.kubehpc.dev",version="v1alpha1",resource="projectservices",subresource="",scope="namespace",component="apiserver",code="200"\} \d+/,
  );
  t.match(metrics.text, /apiserver_request_duration_seconds_bucket/);
  t.match(
    metrics.text,
    /etcd_request_duration_seconds_bucket\{le="[^"]+",operation="list",type="projectservices"\}/,
  );
});

t.test('authentication', async (t) => {
  const forged = await call(port, 'GET', PS_PATH(ns), {
    as: 'none',
    headers: { 'X-Remote-User': 'system:admin', 'X-Remote-Group': 'system:masters' },
  });
  t.equal(forged.status, 401, 'forged X-Remote-* headers without the front-proxy certificate');
  t.equal(forged.json.reason, 'Unauthorized');
  const proxyWithoutUser = await call(port, 'GET', PS_PATH(ns), { as: 'front-proxy-client' });
  t.equal(proxyWithoutUser.status, 401, 'front-proxy certificate without a user header');
  const proxied = await call(port, 'GET', PS_PATH(ns), {
    as: 'front-proxy-client',
    headers: { 'X-Remote-User': 'kubernetes-admin', 'X-Remote-Group': 'system:masters' },
  });
  t.equal(proxied.status, 200, 'the front proxy speaks for the user in its headers');
});

t.test('bearer tokens are authenticated through TokenReview', async (t) => {
  const token = (await kubectl(['create', 'token', 'default', '-n', ns, '--duration=10m'])).stdout.trim();
  t.ok(token.length > 20, 'got a service account token');
  const res = await call(port, 'GET', PS_PATH(ns), {
    as: 'none',
    headers: { Authorization: `Bearer ${token}` },
  });
  t.equal(res.status, 403, 'authenticated, then denied by RBAC');
  t.match(res.json.message, `User "system:serviceaccount:${ns}:default" cannot list`);
  const bogus = await call(port, 'GET', PS_PATH(ns), {
    as: 'none',
    headers: { Authorization: 'Bearer not-a-token' },
  });
  t.equal(bogus.status, 401);
});

t.test('authorization: denied requests are 403 and never reach storage', async (t) => {
  const asMallory = { as: 'front-proxy-client' as const, headers: { 'X-Remote-User': 'mallory' } };
  const denied = await call(port, 'POST', PS_PATH(ns), { ...asMallory, body: projectService('sneaky') });
  t.equal(denied.status, 403);
  t.equal(
    denied.json.message,
    `projectservices.apps.kubehpc.dev is forbidden: User "mallory" cannot create resource "projectservices" in API group "apps.kubehpc.dev" in the namespace "${ns}"`,
  );
  t.equal((await call(port, 'GET', PS_PATH(ns, 'sneaky'))).status, 404, 'nothing was stored');
  t.equal(
    (await call(port, 'GET', '/apis', asMallory)).status,
    200,
    'discovery is open to authenticated users',
  );
});

t.test('discovery', async (t) => {
  const groups = await call(port, 'GET', '/apis');
  t.same(
    (groups.json.groups as Array<{ name: string }>).map((g) => g.name),
    ['apps.kubehpc.dev', 'scaling.kubehpc.dev'],
  );
  const aggregated = await call(port, 'GET', '/apis', {
    headers: { Accept: `${AGGREGATED_DISCOVERY_CONTENT_TYPE},application/json` },
  });
  t.equal(aggregated.headers['content-type'], AGGREGATED_DISCOVERY_CONTENT_TYPE);
  t.equal(aggregated.json.kind, 'APIGroupDiscoveryList');
  const resources = await call(port, 'GET', '/apis/apps.kubehpc.dev/v1alpha1');
  const ps = (resources.json.resources as Array<Record<string, unknown>>).find(
    (r) => r.name === 'projectservices',
  );
  t.same(ps?.shortNames, ['ps']);
  t.same(ps?.categories, ['hpc']);
  t.ok((resources.json.resources as Array<{ name: string }>).some((r) => r.name === 'projectservices/scale'));
  const sp = await call(port, 'GET', '/apis/scaling.kubehpc.dev/v1alpha1');
  t.same(
    (sp.json.resources as Array<{ name: string }>).map((r) => r.name),
    ['scalingpolicies', 'scalingpolicies/status'],
  );
  t.equal((await call(port, 'GET', '/apis/nope.kubehpc.dev/v1')).status, 404);
});

t.test('create, get, update with optimistic concurrency, generation', async (t) => {
  const created = await call(port, 'POST', PS_PATH(ns), { body: projectService('portal') });
  t.equal(created.status, 201);
  const meta = created.json.metadata as Record<string, unknown>;
  t.equal(meta.generation, 1);
  t.match(meta.uid, /^[0-9a-f-]{36}$/);
  t.match(meta.creationTimestamp, /Z$/);
  t.equal((created.json.spec as Record<string, unknown>).replicas, 1, 'defaulted');
  t.equal((await call(port, 'POST', PS_PATH(ns), { body: projectService('portal') })).status, 409);

  const current = (await call(port, 'GET', PS_PATH(ns, 'portal'))).json;
  const labelled = { ...current, metadata: { ...(current.metadata as object), labels: { tier: 'web' } } };
  const relabelled = await call(port, 'PUT', PS_PATH(ns, 'portal'), { body: labelled });
  t.equal(relabelled.status, 200);
  t.equal(
    (relabelled.json.metadata as Record<string, unknown>).generation,
    1,
    'metadata changes keep the generation',
  );
  const stale = await call(port, 'PUT', PS_PATH(ns, 'portal'), { body: labelled });
  t.equal(stale.status, 409, 'a stale resourceVersion is a Conflict');
  t.equal(stale.json.reason, 'Conflict');
  const respec = { ...relabelled.json, spec: { ...(relabelled.json.spec as object), replicas: 2 } };
  const updated = await call(port, 'PUT', PS_PATH(ns, 'portal'), { body: respec });
  t.equal(
    (updated.json.metadata as Record<string, unknown>).generation,
    2,
    'spec changes bump the generation',
  );
});

t.test('bad input gets the right Status and changes nothing', async (t) => {
  const beforeItems = (await call(port, 'GET', PS_PATH(ns))).json.items as Array<{ metadata: object }>;
  t.equal(beforeItems.length, 1, 'the earlier portal exists');
  const cases: Array<
    [string, Parameters<typeof call>[3] & { method?: string; path?: string }, number, string]
  > = [
    ['malformed JSON', { body: '{"apiVersion":', contentType: 'application/json' }, 400, 'BadRequest'],
    ['malformed YAML', { body: 'a: [b', contentType: 'application/yaml' }, 400, 'BadRequest'],
    ['wrong apiVersion', { body: { ...projectService('x'), apiVersion: 'apps/v1' } }, 400, 'BadRequest'],
    ['wrong kind', { body: { ...projectService('x'), kind: 'Deployment' } }, 400, 'BadRequest'],
    ['invalid name', { body: projectService('Not_Valid') }, 422, 'Invalid'],
    ['invalid spec', { body: projectService('x', { replicas: -1 }) }, 422, 'Invalid'],
    [
      'unknown field (Strict default)',
      { body: projectService('x', { hostNetwork: true }) },
      400,
      'BadRequest',
    ],
    ['unsupported media type', { body: 'x', contentType: 'text/plain' }, 415, 'UnsupportedMediaType'],
    [
      'oversized body',
      { body: projectService('x', { args: ['x'.repeat(3 * 1024 * 1024)] }) },
      413,
      'RequestEntityTooLarge',
    ],
    [
      'not acceptable',
      { body: projectService('x'), headers: { Accept: 'application/vnd.kubernetes.protobuf' } },
      406,
      'NotAcceptable',
    ],
    ['bad dryRun', { body: projectService('x'), path: `${PS_PATH(ns)}?dryRun=Some` }, 400, 'BadRequest'],
    [
      'bad fieldValidation',
      { body: projectService('x'), path: `${PS_PATH(ns)}?fieldValidation=Loud` },
      400,
      'BadRequest',
    ],
    [
      'POST to a named object',
      { body: projectService('x'), path: PS_PATH(ns, 'x') },
      405,
      'MethodNotAllowed',
    ],
    ['wrong namespace in body', { body: projectService('x', {}, { namespace: 'other' }) }, 400, 'BadRequest'],
  ];
  for (const [what, options, code, reason] of cases) {
    const res = await call(port, options.method ?? 'POST', options.path ?? PS_PATH(ns), options);
    t.equal(res.status, code, `${what}: HTTP ${code}`);
    t.equal(res.json.kind, 'Status', `${what}: a Status`);
    t.equal(res.json.reason, reason, `${what}: ${reason}`);
  }
  const invalid = await call(port, 'POST', PS_PATH(ns), { body: projectService('x', { replicas: -1 }) });
  t.same((invalid.json.details as { causes: unknown[] }).causes, [
    {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: -1: must be greater than or equal to 0',
      field: 'spec.replicas',
    },
  ]);
  const items = (await call(port, 'GET', PS_PATH(ns))).json.items as Array<{ metadata: object }>;
  t.same(
    items.map((i) => i.metadata),
    beforeItems.map((i) => i.metadata),
    'the refused writes changed nothing: the same objects at the same resourceVersions',
  );
  t.equal((await call(port, 'GET', PS_PATH(ns, 'x'))).status, 404);
  t.equal((await call(port, 'GET', PS_PATH('no-such-namespace-x', 'x'))).status, 404);
  const missingNs = await call(port, 'POST', PS_PATH('no-such-namespace-x'), { body: projectService('x') });
  t.equal(missingNs.status, 404, 'creating in a namespace that does not exist');
});

t.test('fieldValidation Warn and Ignore; dryRun', async (t) => {
  const warned = await call(port, 'POST', `${PS_PATH(ns)}?fieldValidation=Warn`, {
    body: projectService('warned', { hostNetwork: true, securityContext: { privileged: true } }),
  });
  t.equal(warned.status, 201);
  t.same(
    warned.headers.warning,
    '299 - "unknown field \\"spec.hostNetwork\\"", 299 - "unknown field \\"spec.securityContext\\""',
  );
  t.notOk('hostNetwork' in (warned.json.spec as object), 'pruned, never stored');
  const ignored = await call(port, 'POST', `${PS_PATH(ns)}?fieldValidation=Ignore`, {
    body: projectService('ignored', { hostPath: '/' }),
  });
  t.equal(ignored.status, 201);
  t.equal(ignored.headers.warning, undefined);
  const dry = await call(port, 'POST', `${PS_PATH(ns)}?dryRun=All`, { body: projectService('dry') });
  t.equal(dry.status, 201);
  t.equal((await call(port, 'GET', PS_PATH(ns, 'dry'))).status, 404, 'dry run stores nothing');
});

t.test('list: limit/continue, label and field selectors, Table, metadata-only', async (t) => {
  for (const [name, tier] of [
    ['a1', 'db'],
    ['a2', 'web'],
    ['a3', 'db'],
  ] as const) {
    await call(port, 'POST', PS_PATH(ns), { body: projectService(name, {}, { labels: { grp: tier } }) });
  }
  const first = await call(port, 'GET', `${PS_PATH(ns)}?limit=2`);
  const meta = first.json.metadata as { continue?: string; resourceVersion: string };
  t.equal((first.json.items as unknown[]).length, 2);
  t.ok(meta.continue);
  const rest = await call(
    port,
    'GET',
    `${PS_PATH(ns)}?limit=100&continue=${encodeURIComponent(meta.continue as string)}`,
  );
  t.equal(
    (rest.json.metadata as { resourceVersion: string }).resourceVersion,
    meta.resourceVersion,
    'same snapshot',
  );
  const names = (r: typeof first) =>
    (r.json.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name);
  t.same(names(await call(port, 'GET', `${PS_PATH(ns)}?labelSelector=grp%3Ddb`)), ['a1', 'a3']);
  t.same(names(await call(port, 'GET', `${PS_PATH(ns)}?labelSelector=grp%20in%20(web)`)), ['a2']);
  t.same(names(await call(port, 'GET', `${PS_PATH(ns)}?fieldSelector=metadata.name%3Da2`)), ['a2']);
  t.equal((await call(port, 'GET', `${PS_PATH(ns)}?fieldSelector=spec.nope%3D1`)).status, 400);
  const all = await call(port, 'GET', '/apis/apps.kubehpc.dev/v1alpha1/projectservices?labelSelector=grp');
  t.same(names(all), ['a1', 'a2', 'a3'], 'across namespaces');
  const tableRes = await call(port, 'GET', `${PS_PATH(ns)}?labelSelector=grp%3Dweb`, {
    headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
  });
  t.equal(tableRes.json.kind, 'Table');
  const rows = tableRes.json.rows as Array<{ cells: unknown[] }>;
  t.same(rows[0]?.cells.slice(0, 4), ['a2', '0/1', 'Pending', 'registry.example/portal:1.4.2']);
  const partial = await call(port, 'GET', `${PS_PATH(ns)}?labelSelector=grp%3Dweb`, {
    headers: { Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' },
  });
  t.equal(partial.json.kind, 'PartialObjectMetadataList');
  t.notOk('spec' in ((partial.json.items as object[])[0] as object));
});

t.test('status and scale subresources', async (t) => {
  const base = (await call(port, 'POST', PS_PATH(ns), { body: projectService('scaled', { replicas: 2 }) }))
    .json;
  const withStatus = {
    ...base,
    spec: { image: 'ignored:1' },
    status: { phase: 'Running', replicas: 2, readyReplicas: 2, selector: 'app=scaled' },
  };
  const statusRes = await call(port, 'PUT', `${PS_PATH(ns, 'scaled')}/status`, { body: withStatus });
  t.equal(statusRes.status, 200);
  t.equal(
    (statusRes.json.spec as { image: string }).image,
    'registry.example/portal:1.4.2',
    'status writes ignore spec',
  );
  t.equal((statusRes.json.status as { phase: string }).phase, 'Running');
  const mainWrite = await call(port, 'PUT', PS_PATH(ns, 'scaled'), {
    body: { ...statusRes.json, status: { phase: 'Failed' } },
  });
  t.equal((mainWrite.json.status as { phase: string }).phase, 'Running', 'main writes ignore status');
  const scale = await call(port, 'GET', `${PS_PATH(ns, 'scaled')}/scale`);
  t.same(scale.json.spec, { replicas: 2 });
  t.same(scale.json.status, { replicas: 2, selector: 'app=scaled' });
  const scaled = await call(port, 'PATCH', `${PS_PATH(ns, 'scaled')}/scale`, {
    body: { spec: { replicas: 5 } },
    contentType: 'application/merge-patch+json',
  });
  t.equal(scaled.status, 200);
  t.equal(
    (await call(port, 'GET', PS_PATH(ns, 'scaled'))).json.spec &&
      ((await call(port, 'GET', PS_PATH(ns, 'scaled'))).json.spec as { replicas: number }).replicas,
    5,
  );
  const negative = await call(port, 'PUT', `${PS_PATH(ns, 'scaled')}/scale`, {
    body: {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'scaled' },
      spec: { replicas: -1 },
    },
  });
  t.equal(negative.status, 422);
  t.equal(
    (await call(port, 'GET', `${SP_PATH(ns)}/x/scale`)).status,
    404,
    'ScalingPolicy has no scale subresource',
  );
});

t.test('patch: json, merge and strategic merge', async (t) => {
  await call(port, 'POST', PS_PATH(ns), {
    body: projectService('patched', {
      ports: [
        { name: 'http', port: 8080 },
        { name: 'metrics', port: 9090 },
      ],
    }),
  });
  const json = await call(port, 'PATCH', PS_PATH(ns, 'patched'), {
    body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    contentType: 'application/json-patch+json',
  });
  t.equal((json.json.spec as { replicas: number }).replicas, 3);
  const merge = await call(port, 'PATCH', PS_PATH(ns, 'patched'), {
    body: { metadata: { labels: { a: 'b' } }, spec: { core: true } },
    contentType: 'application/merge-patch+json',
  });
  t.same((merge.json.metadata as { labels: object }).labels, { a: 'b' });
  const strategic = await call(port, 'PATCH', PS_PATH(ns, 'patched'), {
    body: {
      spec: {
        ports: [
          { name: 'metrics', port: 9191 },
          { name: 'http', $patch: 'delete' },
        ],
      },
    },
    contentType: 'application/strategic-merge-patch+json',
  });
  t.same(
    (strategic.json.spec as { ports: unknown }).ports,
    [{ name: 'metrics', port: 9191, protocol: 'TCP' }],
    'list merged by name',
  );
  const badTest = await call(port, 'PATCH', PS_PATH(ns, 'patched'), {
    body: [{ op: 'test', path: '/spec/replicas', value: 99 }],
    contentType: 'application/json-patch+json',
  });
  t.equal(badTest.status, 400);
  const invalid = await call(port, 'PATCH', PS_PATH(ns, 'patched'), {
    body: { spec: { replicas: 'many' } },
    contentType: 'application/merge-patch+json',
  });
  t.equal(invalid.status, 422);
});

t.test('delete: preconditions, finalizers, deletecollection', async (t) => {
  const held = (
    await call(port, 'POST', PS_PATH(ns), {
      body: projectService('held', {}, { finalizers: ['kubehpc.dev/test'] }),
    })
  ).json;
  const wrongUid = await call(port, 'DELETE', PS_PATH(ns, 'held'), {
    body: { preconditions: { uid: 'nope' } },
  });
  t.equal(wrongUid.status, 409);
  const marked = await call(port, 'DELETE', PS_PATH(ns, 'held'));
  t.equal(marked.status, 200, 'finalizers hold the object: 200 with it, as kube-apiserver answers');
  const again = await call(port, 'DELETE', PS_PATH(ns, 'held'), { body: { orphanDependents: false } });
  t.equal(again.status, 202, 'a cascading delete (orphanDependents=false) that is not done yet: 202');
  t.ok((marked.json.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  const current = (await call(port, 'GET', PS_PATH(ns, 'held'))).json;
  t.equal((current.metadata as { uid: string }).uid, (held.metadata as { uid: string }).uid);
  const released = await call(port, 'PATCH', PS_PATH(ns, 'held'), {
    body: [{ op: 'remove', path: '/metadata/finalizers' }],
    contentType: 'application/json-patch+json',
  });
  t.equal(released.status, 200);
  t.equal(
    (await call(port, 'GET', PS_PATH(ns, 'held'))).status,
    404,
    'removing the last finalizer completes the deletion',
  );
  const plain = (await call(port, 'POST', PS_PATH(ns), { body: projectService('plain') })).json;
  const deleted = await call(port, 'DELETE', PS_PATH(ns, 'plain'));
  t.equal(deleted.status, 200);
  t.same(
    deleted.json,
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name: 'plain',
        group: 'apps.kubehpc.dev',
        kind: 'projectservices',
        uid: (plain.metadata as { uid: string }).uid,
      },
    },
    'deleted at once: a Success Status naming it, as kube-apiserver answers for a custom resource',
  );

  await call(port, 'POST', SP_PATH(ns), {
    body: {
      apiVersion: 'scaling.kubehpc.dev/v1alpha1',
      kind: 'ScalingPolicy',
      metadata: { name: 'peak' },
      spec: {
        targetRef: { name: 'portal' },
        maxReplicas: 5,
        rules: [{ name: 'cpu', resource: { name: 'cpu', targetUtilization: 80 } }],
      },
    },
  });
  const gone = await call(port, 'DELETE', `${SP_PATH(ns)}`);
  t.equal(gone.status, 200);
  t.equal(((await call(port, 'GET', SP_PATH(ns))).json.items as unknown[]).length, 0);
});

t.test('watch: from a resourceVersion, initial events, 410 once compacted', async (t) => {
  const list = await call(port, 'GET', PS_PATH(ns));
  const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
  const watch = openWatch(port, `${PS_PATH(ns)}?watch=true&resourceVersion=${rv}`);
  t.teardown(() => watch.stop());
  await eventually('watch open', async () => (watch.status() === 200 ? true : undefined), 10_000);
  await call(port, 'POST', PS_PATH(ns), { body: projectService('watched') });
  await call(port, 'PATCH', PS_PATH(ns, 'watched'), {
    body: { spec: { replicas: 4 } },
    contentType: 'application/merge-patch+json',
  });
  await call(port, 'DELETE', PS_PATH(ns, 'watched'));
  await eventually('three events', async () => (watch.events.length >= 3 ? true : undefined), 10_000);
  t.same(
    watch.events.map((e) => [e.type, (e.object.metadata as { name: string }).name]),
    [
      ['ADDED', 'watched'],
      ['MODIFIED', 'watched'],
      ['DELETED', 'watched'],
    ],
  );
  const initial = openWatch(port, `${PS_PATH(ns)}?watch=true&labelSelector=grp%3Ddb`);
  t.teardown(() => initial.stop());
  await eventually(
    'initial ADDED events',
    async () => (initial.events.length >= 2 ? true : undefined),
    10_000,
  );
  t.same(
    initial.events.map((e) => e.type),
    ['ADDED', 'ADDED'],
  );
  await call(port, 'PATCH', PS_PATH(ns, 'a1'), {
    body: { metadata: { labels: { grp: 'web' } } },
    contentType: 'application/merge-patch+json',
  });
  await call(port, 'PATCH', PS_PATH(ns, 'a1'), {
    body: { metadata: { labels: { grp: 'db' } } },
    contentType: 'application/merge-patch+json',
  });
  await eventually(
    'a1 leaves and returns',
    async () => (initial.events.length >= 4 ? true : undefined),
    10_000,
  );
  t.same(
    initial.events.slice(2).map((e) => [e.type, (e.object.metadata as { name: string }).name]),
    [
      ['DELETED', 'a1'],
      ['ADDED', 'a1'],
    ],
    'objects relabelled out of and into a selection',
  );
  const streamed = openWatch(
    port,
    `${PS_PATH(ns)}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=grp%3Ddb`,
  );
  t.teardown(() => streamed.stop());
  await eventually('a streaming list', async () => (streamed.events.length >= 3 ? true : undefined), 10_000);
  t.same(
    streamed.events.map((e) => e.type),
    ['ADDED', 'ADDED', 'BOOKMARK'],
  );
  t.same((streamed.events[2]?.object.metadata as { annotations?: object } | undefined)?.annotations, {
    'k8s.io/initial-events-end': 'true',
  });
  // A compacted revision of this test's own: three writes, then compact at the third. A
  // watch from the first resumes at the revision after it, which is then gone whatever else
  // was written meanwhile (compacting at the second would keep that very revision).
  const first = await call(port, 'POST', PS_PATH(ns), { body: projectService('compacted') });
  let last = first;
  for (const replicas of [2, 3]) {
    last = await call(port, 'PATCH', PS_PATH(ns, 'compacted'), {
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas } },
    });
  }
  const firstRv = (first.json.metadata as { resourceVersion: string }).resourceVersion;
  await etcd.compact(Number((last.json.metadata as { resourceVersion: string }).resourceVersion));
  const expired = openWatch(port, `${PS_PATH(ns)}?watch=true&resourceVersion=${firstRv}`);
  t.teardown(() => expired.stop());
  await eventually('an ERROR event', async () => (expired.events.length >= 1 ? true : undefined), 10_000);
  t.equal(expired.events[0]?.type, 'ERROR');
  t.equal(expired.events[0]?.object.code, 410);
  t.equal(expired.events[0]?.object.reason, 'Expired');
});

t.test('apply: a resourceVersion in the applied configuration is a precondition', async (t) => {
  const applyAt = (resourceVersion?: string, replicas = 2) =>
    call(port, 'PATCH', `${PS_PATH(ns, 'preconditioned')}?fieldManager=ops`, {
      body: projectService('preconditioned', { replicas }, resourceVersion ? { resourceVersion } : {}),
      contentType: 'application/apply-patch+yaml',
    });
  const absent = await applyAt('1');
  t.equal(absent.status, 409, 'nothing exists at that resourceVersion');
  t.equal((await call(port, 'GET', PS_PATH(ns, 'preconditioned'))).status, 404, 'and nothing was created');

  const created = await applyAt();
  t.equal(created.status, 201);
  const rv = (created.json.metadata as { resourceVersion: string }).resourceVersion;
  const current = await applyAt(rv, 3);
  t.equal(current.status, 200, 'the current resourceVersion passes');
  const stale = await applyAt(rv, 4);
  t.equal(stale.status, 409, 'a stale one conflicts');
  t.equal(stale.json.reason, 'Conflict');
  const kept = await call(port, 'GET', PS_PATH(ns, 'preconditioned'));
  t.equal((kept.json.spec as { replicas: number }).replicas, 3, 'the stale apply changed nothing');
});

t.test('scale writes are owned in managedFields as subresource scale', async (t) => {
  await call(port, 'POST', PS_PATH(ns), { body: projectService('owned-scale', { replicas: 1 }) });
  const scaled = await call(port, 'PATCH', `${PS_PATH(ns, 'owned-scale')}/scale?fieldManager=autoscaler`, {
    body: { spec: { replicas: 6 } },
    contentType: 'application/merge-patch+json',
  });
  t.equal(scaled.status, 200);
  const object = await call(port, 'GET', PS_PATH(ns, 'owned-scale'));
  const entries = (object.json.metadata as { managedFields: Array<Record<string, unknown>> }).managedFields;
  const entry = entries.find((e) => e.manager === 'autoscaler');
  t.match(entry, {
    operation: 'Update',
    subresource: 'scale',
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
});
