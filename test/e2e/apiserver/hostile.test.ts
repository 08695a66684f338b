// Hostile input through the paths a user takes: kubectl against the platform's API (through
// kube-apiserver's aggregation) and plain HTTPS against an in-process server, whose process
// is this test's own, so a polluted prototype would show here. Every bad request gets its
// 4xx, nothing is stored, and the server keeps answering.

import t from 'tap';
import { kubectl, testNamespace } from '../../support/cluster.ts';
import { call, PS_PATH, projectService, SP_PATH, startTestServer } from './support.ts';

const server = await startTestServer();
t.teardown(() => server.running.stop());
const port = server.port;
const ns = await testNamespace(t, 'hostile');

const ATTACK = '[{"op":"add","path":"/spec/__proto__/x","value":"y"}]';

t.test(
  'the JSON patch attack of issue 9 is refused through kubectl and the API keeps answering',
  async (t) => {
    const created = await kubectl(['apply', '-n', ns, '-f', '-'], {
      input: JSON.stringify(projectService('victim')),
    });
    t.equal(created.code, 0, created.stderr);
    for (let i = 0; i < 3; i++) {
      const patched = await kubectl([
        'patch',
        '-n',
        ns,
        'projectservice',
        'victim',
        '--type=json',
        '-p',
        ATTACK,
      ]);
      t.not(patched.code, 0, 'the patch is refused');
      t.notMatch(patched.stderr, /InternalError|Internal error/, 'as bad input, not a server fault');
    }
    const read = await kubectl(['get', '-n', ns, 'projectservice', 'victim', '-o', 'json']);
    t.equal(read.code, 0, read.stderr);
    t.notOk(Object.hasOwn(JSON.parse(read.stdout).spec, 'x'), 'nothing was stored');
    const another = await kubectl(['apply', '-n', ns, '-f', '-'], {
      input: JSON.stringify(projectService('bystander')),
    });
    t.equal(another.code, 0, `a later create still works: ${another.stderr}`);
  },
);

t.test('prototype paths over HTTP: 4xx each, no pollution, the server still serves', async (t) => {
  t.equal((await call(port, 'POST', PS_PATH(ns), { body: projectService('target') })).status, 201);
  const attacks: Array<{ type: string; body: string }> = [
    { type: 'application/json-patch+json', body: ATTACK },
    {
      type: 'application/json-patch+json',
      body: '[{"op":"add","path":"/metadata/__proto__/x","value":"y"}]',
    },
    {
      type: 'application/json-patch+json',
      body: '[{"op":"add","path":"/spec/constructor/prototype/x","value":"y"}]',
    },
    { type: 'application/merge-patch+json', body: '{"spec":{"__proto__":{"x":"y"}}}' },
    { type: 'application/strategic-merge-patch+json', body: '{"spec":{"__proto__":{"x":"y"}}}' },
    { type: 'application/merge-patch+json', body: '{"__proto__":{"x":"y"}}' },
  ];
  for (const attack of attacks) {
    const res = await call(port, 'PATCH', PS_PATH(ns, 'target'), {
      body: attack.body,
      contentType: attack.type,
    });
    t.ok(res.status >= 400 && res.status < 500, `${attack.body}: ${res.status} ${res.json.message}`);
  }
  const applied = await call(port, 'PATCH', `${PS_PATH(ns, 'target')}?fieldManager=evil`, {
    contentType: 'application/apply-patch+yaml',
    body: '{"apiVersion":"apps.kubehpc.dev/v1alpha1","kind":"ProjectService","metadata":{"name":"target","managedFields":[{"manager":"x","operation":"Apply","fieldsV1":{"__proto__":{"polluted":{}}}}]},"spec":{"__proto__":{"x":1}}}',
  });
  t.ok(applied.status >= 400 && applied.status < 500, `apply: ${applied.status}`);
  t.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype of the serving process is clean');
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.equal((await call(port, 'GET', '/readyz', { as: 'none' })).status, 200);
  t.equal((await call(port, 'GET', PS_PATH(ns))).status, 200, 'lists still work');
  t.equal((await call(port, 'POST', PS_PATH(ns), { body: projectService('after') })).status, 201);
});

t.test('a body nested 10,000 levels deep is a 400', async (t) => {
  const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const body = `{"apiVersion":"apps.kubehpc.dev/v1alpha1","kind":"ProjectService","metadata":{"name":"deep"},"spec":${deep}}`;
  const res = await call(port, 'POST', PS_PATH(ns), { body });
  t.equal(res.status, 400, String(res.json.message));
  t.equal(res.json.reason, 'BadRequest');
  t.equal((await call(port, 'GET', PS_PATH(ns, 'deep'))).status, 404, 'nothing stored');
});

t.test('bad specs and metadata are 422 naming the field, and nothing is stored', async (t) => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string]> = [
    ['empty-image', { image: '' }, {}, 'spec.image'],
    ['empty-env', { env: [{ name: '' }] }, {}, 'spec.env[0].name'],
    ['proto-label', {}, { labels: JSON.parse('{"__proto__":"x"}') }, 'metadata.labels'],
  ];
  for (const [name, spec, metadata, field] of cases) {
    const body = JSON.stringify(projectService(name, spec, metadata));
    t.match(body, name === 'proto-label' ? /"__proto__":"x"/ : /./, 'the hostile key is on the wire');
    const res = await call(port, 'POST', PS_PATH(ns), { body });
    t.equal(res.status, 422, `${name}: ${res.json.message}`);
    const causes = (res.json.details as { causes?: Array<{ field: string }> }).causes ?? [];
    t.ok(
      causes.some((c) => c.field === field),
      `${name} names ${field}: ${JSON.stringify(causes)}`,
    );
    t.equal((await call(port, 'GET', PS_PATH(ns, name))).status, 404, `${name} not stored`);
  }
});

t.test('a config file named __proto__ is stored and read back', async (t) => {
  const body = JSON.stringify(
    projectService('proto-file', {
      config: { mountPath: '/etc/app', files: JSON.parse('{"__proto__":"a=1","app.conf":"b=2"}') },
    }),
  );
  t.equal((await call(port, 'POST', PS_PATH(ns), { body })).status, 201);
  const read = await call(port, 'GET', PS_PATH(ns, 'proto-file'));
  t.match(read.text, /"files":\{"__proto__":"a=1","app.conf":"b=2"\}/);
});

t.test('an unsupported field selector is a 400 naming the supported ones', async (t) => {
  const res = await call(port, 'GET', `${PS_PATH(ns)}?fieldSelector=spec.replicas%3D1`);
  t.equal(res.status, 400);
  t.match(
    res.json.message,
    /"spec\.replicas" is not a known field selector: only "metadata\.name", "metadata\.namespace", "spec\.image", "status\.phase"/,
  );
  const watch = await call(port, 'GET', `${PS_PATH(ns)}?watch=true&fieldSelector=spec.replicas%3D1`);
  t.equal(watch.status, 400, 'on a watch too');
});

t.test('updates: PUT needs a resourceVersion, a JSON patch of it is a precondition', async (t) => {
  const created = await call(port, 'POST', PS_PATH(ns), { body: projectService('versioned') });
  t.equal(created.status, 201);
  const { resourceVersion: _rv, ...withoutVersion } = created.json.metadata as Record<string, unknown>;
  const blind = await call(port, 'PUT', PS_PATH(ns, 'versioned'), {
    body: {
      ...created.json,
      metadata: withoutVersion,
      spec: { ...(created.json.spec as object), replicas: 4 },
    },
  });
  t.equal(blind.status, 422, String(blind.json.message));
  t.match(
    blind.json.message,
    /metadata\.resourceVersion: Invalid value: 0x0: must be specified for an update/,
  );
  const stale = await call(port, 'PATCH', PS_PATH(ns, 'versioned'), {
    contentType: 'application/json-patch+json',
    body: [
      { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ],
  });
  t.equal(stale.status, 409, String(stale.json.message));
  const current = (created.json.metadata as { resourceVersion: string }).resourceVersion;
  const fresh = await call(port, 'PATCH', PS_PATH(ns, 'versioned'), {
    contentType: 'application/json-patch+json',
    body: [
      { op: 'replace', path: '/metadata/resourceVersion', value: current },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ],
  });
  t.equal(fresh.status, 200, 'the current version is a precondition that holds');
  t.equal((fresh.json.spec as { replicas: number }).replicas, 5);
});

t.test('a watch with a negative timeoutSeconds is a 400, not a hang', async (t) => {
  const res = await call(port, 'GET', `${PS_PATH(ns)}?watch=true&timeoutSeconds=-5`);
  t.equal(res.status, 400);
  t.match(res.json.message, /timeoutSeconds/);
});

t.test('a ScalingPolicy whose PromQL does not parse is a 422', async (t) => {
  const res = await call(port, 'POST', SP_PATH(ns), {
    body: {
      apiVersion: 'scaling.kubehpc.dev/v1alpha1',
      kind: 'ScalingPolicy',
      metadata: { name: 'broken' },
      spec: {
        targetRef: { name: 'victim' },
        maxReplicas: 4,
        rules: [{ name: 'q', prometheus: { query: 'sum(rate((((', targetPerReplica: 10 } }],
      },
    },
  });
  t.equal(res.status, 422);
  t.match(res.json.message, /spec\.rules\[0\]\.prometheus\.query/);
});
