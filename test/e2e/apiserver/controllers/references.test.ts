// No escalation through a ProjectService (issue 14), on the running platform through
// impersonated kubectl: alice, a project developer (kubehpc:project-developer), may not make a
// service read a Secret she may not `get`, nor tolerate a taint the project was not granted
// (`use` on placements.apps.kubehpc.dev); each refusal is a 403 naming the missing permission
// and stores nothing. Once a RoleBinding grants it, the same apply succeeds, an Event says on
// whose permissions, and the controller renders the reference into the pod spec. An update by
// someone else is checked only for what it adds.

import t from 'tap';
import { PROJECT_LABEL } from '../../../../common/names.ts';
import { eventually, isNotFound, kubectl, kubectlOk as ok, testNamespace } from '../../../support/cluster.ts';

const NAME = 'web';
/** The server caches a denial for 5 s; a grant is seen within this. */
const GRANT_SEEN_MS = 30_000;

/** A field of the service's Deployment (kubectl jsonpath), once the Deployment has it. */
const deploymentField = (ns: string, jsonpath: string) =>
  eventually(`the Deployment's ${jsonpath}`, async () => {
    const r = await kubectl(['-n', ns, 'get', 'deployment', NAME, '-o', `jsonpath=${jsonpath}`]);
    return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
  });

const service = (ns: string, spec: string) => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: ${NAME}, namespace: ${ns}}
spec:
  image: registry.example/web:1.0.0
  replicas: 1
${spec}`;

const SECRET_ENV = `  env:
    - name: DB_PASSWORD
      valueFrom: {secretKeyRef: {name: db, key: password}}`;

async function project(t: Parameters<typeof testNamespace>[0]): Promise<string> {
  const ns = await testNamespace(t, 'refs');
  await ok(['label', 'namespace', ns, `${PROJECT_LABEL}=${ns}`]);
  for (const user of ['alice', 'carol']) {
    await ok([
      '-n',
      ns,
      'create',
      'rolebinding',
      `${user}-dev`,
      '--clusterrole=kubehpc:project-developer',
      `--user=${user}`,
    ]);
  }
  await ok(['-n', ns, 'create', 'secret', 'generic', 'db', '--from-literal=password=s3cret']);
  await ok(['-n', ns, 'create', 'secret', 'generic', 'other', '--from-literal=k=v']);
  return ns;
}

t.test('a Secret reference needs get on that Secret, as the requesting user', async (t) => {
  const ns = await project(t);
  t.equal((await kubectl(['auth', 'can-i', 'get', 'secret/db', '-n', ns, '--as=alice'])).stdout.trim(), 'no');

  const refused = await kubectl(['apply', '-f', '-', '--as=alice'], { input: service(ns, SECRET_ENV) });
  t.not(refused.code, 0, 'refused');
  t.match(refused.stderr, /\(Forbidden\)/);
  t.match(refused.stderr, /secrets "db" is forbidden: User "alice" cannot get resource "secrets"/);
  t.match(refused.stderr, /spec\.env\[0\]\.valueFrom\.secretKeyRef/);
  t.ok(isNotFound(await kubectl(['-n', ns, 'get', 'projectservice', NAME])), 'nothing stored');

  await ok(['-n', ns, 'create', 'role', 'read-db', '--verb=get', '--resource=secrets', '--resource-name=db']);
  await ok(['-n', ns, 'create', 'rolebinding', 'alice-read-db', '--role=read-db', '--user=alice']);
  await eventually(
    'the apply to be admitted once alice may get the Secret',
    async () => {
      const r = await kubectl(['apply', '-f', '-', '--as=alice'], { input: service(ns, SECRET_ENV) });
      return r.code === 0 ? true : undefined;
    },
    GRANT_SEEN_MS,
  );

  const event = await eventually('the ReferencesAdmitted Event', async () => {
    const out = await ok([
      '-n',
      ns,
      'get',
      'events',
      `--field-selector=involvedObject.name=${NAME},reason=ReferencesAdmitted`,
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    return out === '' ? undefined : out;
  });
  t.match(event, /permissions of user "alice": get secrets "db" \(spec\.env\[0\]\.valueFrom\.secretKeyRef\)/);

  // The rendered pod spec carries the reference, not the value.
  const env = await deploymentField(ns, '{.spec.template.spec.containers[0].env}');
  t.same(JSON.parse(env), [
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db' } } },
  ]);

  await t.test('an update by someone else is checked only for what it adds', async (t) => {
    const bumped = service(ns, SECRET_ENV).replace('web:1.0.0', 'web:1.0.1');
    const update = await kubectl(['apply', '-f', '-', '--as=carol'], { input: bumped });
    t.equal(update.code, 0, `carol may change the image: ${update.stderr}`);
    const added = `${SECRET_ENV}\n  envFrom: [{secretRef: {name: other}}]`;
    const refused = await kubectl(['apply', '-f', '-', '--as=carol'], { input: service(ns, added) });
    t.not(refused.code, 0);
    t.match(refused.stderr, /secrets "other" is forbidden: User "carol" cannot get resource "secrets"/);
    const envFrom = await ok(['-n', ns, 'get', 'projectservice', NAME, '-o', 'jsonpath={.spec.envFrom}']);
    t.equal(envFrom, '', 'the refused update stored nothing');
  });
});

t.test(
  "a toleration outside the project's placements is refused until a cluster admin grants it",
  async (t) => {
    const ns = await project(t);
    const tolerating = service(
      ns,
      '  placement:\n    tolerations: [{key: dedicated, operator: Equal, value: hpc, effect: NoSchedule}]',
    );
    t.equal(
      (
        await kubectl([
          'auth',
          'can-i',
          'use',
          'placements.apps.kubehpc.dev/dedicated',
          '-n',
          ns,
          '--as=alice',
        ])
      ).stdout.trim(),
      'no',
      'the project roles grant no placement',
    );
    const refused = await kubectl(['apply', '-f', '-', '--as=alice'], { input: tolerating });
    t.not(refused.code, 0);
    t.match(
      refused.stderr,
      /placements\.apps\.kubehpc\.dev "dedicated" is forbidden: User "alice" cannot use resource "placements" in API group "apps\.kubehpc\.dev"/,
    );
    t.ok(isNotFound(await kubectl(['-n', ns, 'get', 'projectservice', NAME])), 'nothing stored');

    // What the manifests README tells a cluster admin to do: a ClusterRole per node pool, bound per project.
    const role = `pool-dedicated-${ns}`;
    // (placements is virtual: not in discovery, so `kubectl create clusterrole` would refuse it.)
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ${role}}
rules:
  - {apiGroups: [apps.kubehpc.dev], resources: [placements], resourceNames: [dedicated], verbs: [use]}
`,
    );
    t.teardown(() => kubectl(['delete', 'clusterrole', role, '--ignore-not-found']).then(() => undefined));
    await ok([
      '-n',
      ns,
      'create',
      'rolebinding',
      'dedicated-pool',
      `--clusterrole=${role}`,
      '--group=system:authenticated',
    ]);
    await eventually(
      'the toleration to be admitted once the project may use the placement',
      async () =>
        (await kubectl(['apply', '-f', '-', '--as=alice'], { input: tolerating })).code === 0
          ? true
          : undefined,
      GRANT_SEEN_MS,
    );
    const tolerations = await deploymentField(ns, '{.spec.template.spec.tolerations}');
    t.same(JSON.parse(tolerations), [
      { effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'hpc' },
    ]);
  },
);
