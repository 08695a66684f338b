// Hostile input through the paths a user takes: kubectl against the platform's API (through
// kube-apiserver's aggregation) and plain HTTPS against an in-process server, whose process
// is this test's own, so a polluted prototype would show here. Every bad request gets its
// 4xx, nothing is stored, and the server keeps answering.

import t from 'tap';
import { kubectl, testNamespace } from '../../support/cluster.ts';
import { call, PS_PATH, projectService, startTestServer } from './support.ts';

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
