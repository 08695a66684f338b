// Projects on the running platform, through impersonated kubectl only: two project namespaces
// A and B; alice is a developer of A (kubehpc:project-developer), bob a viewer of A
// (kubehpc:project-viewer). Alice deploys a ProjectService in A and the controller, under its
// own identity, makes the Deployment and pods; she cannot deploy in B nor create a Deployment
// directly; bob can list but not create. A ProjectService has no field for hostNetwork or
// privileged, so nobody gains through kubehpc what RBAC and Pod Security Admission deny.

import t from 'tap';
import { FIELD_MANAGER } from '../../../../apiserver/src/controllers/projectservice/identity.ts';
import { PROJECT_LABEL } from '../../../../common/names.ts';
import { eventually, isNotFound, kubectl, kubectlOk as ok, testNamespace } from '../../../support/cluster.ts';

const NAME = 'web';

const projectService = (ns: string, extra = '') => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: ${NAME}, namespace: ${ns}}
spec:
  image: registry.example/web:1.0.0
  replicas: 1
  ports: [{name: http, port: 8080}]
${extra}`;

const deployment = (ns: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: direct, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: direct}}
  template:
    metadata: {labels: {app: direct}}
    spec:
      containers: [{name: c, image: registry.example/direct:1}]
`;

async function project(t: Parameters<typeof testNamespace>[0], prefix: string): Promise<string> {
  const ns = await testNamespace(t, prefix);
  await ok(['label', 'namespace', ns, `${PROJECT_LABEL}=${ns}`]);
  return ns;
}

async function canI(user: string, ns: string, verb: string, resource: string): Promise<string> {
  const r = await kubectl(['auth', 'can-i', verb, resource, '-n', ns, `--as=${user}`]);
  return r.stdout.trim();
}

t.test('project roles: a developer deploys through ProjectServices only, a viewer reads', async (t) => {
  const a = await project(t, 'proj-a');
  const b = await project(t, 'proj-b');
  await ok([
    '-n',
    a,
    'create',
    'rolebinding',
    'alice-dev',
    '--clusterrole=kubehpc:project-developer',
    '--user=alice',
  ]);
  await ok([
    '-n',
    a,
    'create',
    'rolebinding',
    'bob-view',
    '--clusterrole=kubehpc:project-viewer',
    '--user=bob',
  ]);
  for (const ns of [a, b]) {
    const label = await ok([
      'get',
      'namespace',
      ns,
      '-o',
      `jsonpath={.metadata.labels.${PROJECT_LABEL.replace(/\./g, '\\.')}}`,
    ]);
    t.equal(label, ns, `${ns} is labelled as a project`);
  }

  await t.test('auth can-i matches the roles', async (t) => {
    const expected: Array<[string, string, string, string, string]> = [
      ['alice', a, 'create', 'projectservices.apps.kubehpc.dev', 'yes'],
      ['alice', a, 'update', 'projectservices.apps.kubehpc.dev/scale', 'yes'],
      ['alice', a, 'delete', 'scalingpolicies.scaling.kubehpc.dev', 'yes'],
      ['alice', a, 'get', 'pods/log', 'yes'],
      ['alice', a, 'list', 'events', 'yes'],
      ['alice', b, 'create', 'projectservices.apps.kubehpc.dev', 'no'],
      ['alice', a, 'create', 'deployments.apps', 'no'],
      ['alice', a, 'create', 'replicasets.apps', 'no'],
      ['alice', a, 'create', 'pods', 'no'],
      ['alice', a, 'delete', 'pods', 'no'],
      ['alice', a, 'create', 'rolebindings.rbac.authorization.k8s.io', 'no'],
      ['bob', a, 'list', 'projectservices.apps.kubehpc.dev', 'yes'],
      ['bob', a, 'get', 'pods/log', 'yes'],
      ['bob', a, 'create', 'projectservices.apps.kubehpc.dev', 'no'],
      ['bob', a, 'create', 'scalingpolicies.scaling.kubehpc.dev', 'no'],
      ['bob', b, 'list', 'projectservices.apps.kubehpc.dev', 'no'],
    ];
    for (const [user, ns, verb, resource, answer] of expected) {
      t.equal(
        await canI(user, ns, verb, resource),
        answer,
        `${user} ${verb} ${resource} in ${ns === a ? 'A' : 'B'}`,
      );
    }
  });

  await t.test('alice deploys a ProjectService in A and the controller makes it Running', async (t) => {
    const applied = await kubectl(['apply', '-f', '-', '--as=alice'], { input: projectService(a) });
    t.equal(applied.code, 0, applied.stderr);
    const waited = await kubectl([
      '-n',
      a,
      'wait',
      `ps/${NAME}`,
      '--for=jsonpath={.status.phase}=Running',
      '--timeout=90s',
      '--as=alice',
    ]);
    t.equal(waited.code, 0, waited.stderr);
    // The Deployment is the controller's, not alice's: she has no right on it.
    const managers = await ok([
      '-n',
      a,
      'get',
      'deployment',
      NAME,
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    t.ok(managers.split(' ').includes(FIELD_MANAGER), `the Deployment is written by ${FIELD_MANAGER}`);
    const pods = await eventually('a Running pod alice can read', async () => {
      const r = await kubectl([
        '-n',
        a,
        'get',
        'pods',
        '-l',
        `kubehpc.dev/service=${NAME}`,
        '--as=alice',
        '-o',
        'json',
      ]);
      if (r.code !== 0) throw new Error(r.stderr);
      const items = (JSON.parse(r.stdout) as { items: Array<{ status: { phase?: string } }> }).items;
      return items.some((p) => p.status.phase === 'Running') ? items : undefined;
    });
    t.ok(pods.length >= 1, 'alice reads the pods of her service');
    const hidden = await kubectl(['-n', a, 'get', 'deployment', NAME, '--as=alice']);
    t.not(hidden.code, 0, 'alice cannot even read the Deployment');
    t.match(hidden.stderr, /forbidden/i);
  });

  await t.test('alice cannot deploy in B nor create a Deployment in A', async (t) => {
    const inB = await kubectl(['apply', '-f', '-', '--as=alice'], { input: projectService(b) });
    t.not(inB.code, 0, 'apply in B fails');
    t.match(inB.stderr, /Forbidden/, 'with Forbidden');
    const direct = await kubectl(['apply', '-f', '-', '--as=alice'], { input: deployment(a) });
    t.not(direct.code, 0, 'a direct Deployment fails');
    t.match(direct.stderr, /Forbidden/, 'with Forbidden');
    const gone = await kubectl(['-n', b, 'get', 'ps', NAME]);
    t.ok(isNotFound(gone), `nothing was created in B: ${gone.stderr}`);
  });

  await t.test('bob can list ProjectServices in A but not create one', async (t) => {
    const list = await kubectl(['-n', a, 'get', 'ps', '--no-headers', '--as=bob']);
    t.equal(list.code, 0, list.stderr);
    t.match(list.stdout, new RegExp(`^${NAME}\\s`), "bob sees alice's service");
    const create = await kubectl(['apply', '-f', '-', '--as=bob'], {
      input: projectService(a).replace(`name: ${NAME},`, 'name: bobs,'),
    });
    t.not(create.code, 0, 'bob cannot create');
    t.match(create.stderr, /Forbidden/, 'with Forbidden');
  });

  await t.test('a ProjectService has no field to ask for hostNetwork or privileged', async (t) => {
    for (const [field, extra] of [
      ['spec.hostNetwork', '  hostNetwork: true\n'],
      ['spec.privileged', '  privileged: true\n'],
    ] as const) {
      const r = await kubectl(['apply', '--validate=strict', '-f', '-', '--as=alice'], {
        input: projectService(a, extra).replace(`name: ${NAME},`, 'name: escalate,'),
      });
      t.not(r.code, 0, `${field} is rejected`);
      t.match(r.stderr, field, 'naming the field');
    }
    const none = await kubectl(['-n', a, 'get', 'ps', 'escalate']);
    t.not(none.code, 0, 'no such service was created');
  });

  await t.test('a project admin manages bindings in A within their own rights', async (t) => {
    await ok([
      '-n',
      a,
      'create',
      'rolebinding',
      'carol-admin',
      '--clusterrole=kubehpc:project-admin',
      '--user=carol',
    ]);
    t.equal(
      await canI('carol', a, 'create', 'projectservices.apps.kubehpc.dev'),
      'yes',
      'carol deploys in A',
    );
    t.equal(await canI('carol', a, 'create', 'deployments.apps'), 'no', 'carol has no right on Deployments');
    t.equal(
      await canI('carol', b, 'create', 'rolebindings.rbac.authorization.k8s.io'),
      'no',
      'nor on bindings in B',
    );
    const grant = await kubectl([
      '-n',
      a,
      'create',
      'rolebinding',
      'dave-dev',
      '--clusterrole=kubehpc:project-developer',
      '--user=dave',
      '--as=carol',
    ]);
    t.equal(grant.code, 0, grant.stderr);
    t.equal(
      await canI('dave', a, 'create', 'projectservices.apps.kubehpc.dev'),
      'yes',
      'dave is now a developer of A',
    );
    const escalate = await kubectl([
      '-n',
      a,
      'create',
      'rolebinding',
      'dave-edit',
      '--clusterrole=edit',
      '--user=dave',
      '--as=carol',
    ]);
    t.not(escalate.code, 0, 'carol cannot grant the built-in edit role, which can write Deployments');
    t.match(escalate.stderr, /forbidden|escalat/i, 'kube refuses the escalation');
    t.equal(await canI('dave', a, 'create', 'deployments.apps'), 'no', 'dave gained no right on Deployments');
  });

  await t.test('the built-in edit and view roles include kubehpc kinds (aggregation)', async (t) => {
    await ok(['-n', a, 'create', 'rolebinding', 'erin-edit', '--clusterrole=edit', '--user=erin']);
    await ok(['-n', a, 'create', 'rolebinding', 'frank-view', '--clusterrole=view', '--user=frank']);
    t.equal(await canI('erin', a, 'create', 'projectservices.apps.kubehpc.dev'), 'yes', 'edit can create');
    t.equal(await canI('frank', a, 'list', 'projectservices.apps.kubehpc.dev'), 'yes', 'view can list');
    t.equal(await canI('frank', a, 'create', 'projectservices.apps.kubehpc.dev'), 'no', 'view cannot create');
  });
});
