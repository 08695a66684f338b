// The API server through the real aggregator with the real kubectl, as registered by
// `npm run up`: discovery, explain, apply, scale, patch, watch (kubectl wait), server-side
// field validation and dry run, RBAC through SubjectAccessReview, namespace deletion.

import { randomBytes } from 'node:crypto';
import t from 'tap';
import {
  eventually,
  isNotFound,
  kubectlJson as json,
  kubectl,
  objects,
  kubectlOk as ok,
  testNamespace,
} from '../../support/cluster.ts';

const ps = (ns: string, name: string, extra = '') => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  image: registry.example/portal:1.4.2
  replicas: 3
  ports: [{name: http, port: 8080}]
  hardware: {sriovVFs: 2, numa: SingleNode, localDisk: 50Gi}
${extra}`;

// The policy's schedule window opens twelve hours from now in its own time zone (UTC+8), so it
// is never active while this file runs: an active window would scale the service to 10 and
// every replica count checked below would depend on the hour the suite runs at.
const quietHour = (new Date().getUTCHours() + 8 + 12) % 24;
const sp = (ns: string, name: string) => `apiVersion: scaling.kubehpc.dev/v1alpha1
kind: ScalingPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
  targetRef: {name: portal}
  minReplicas: 2
  maxReplicas: 20
  rules:
    - {name: cpu, resource: {name: cpu, targetUtilization: 80}}
    - {name: morning, schedule: {cron: "0 ${quietHour} * * 1-5", timeZone: Asia/Shanghai, duration: 2h, replicas: 10}}
`;

t.test('both APIServices are Available and discovery lists the kinds', async (t) => {
  for (const name of ['v1alpha1.apps.kubehpc.dev', 'v1alpha1.scaling.kubehpc.dev']) {
    const status = await ok([
      'get',
      'apiservice',
      name,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Available")].status}',
    ]);
    t.equal(status, 'True', `${name} Available`);
  }
  const apps = await ok(['api-resources', '--api-group=apps.kubehpc.dev', '--no-headers']);
  t.match(apps, /^projectservices\s+ps\s+apps\.kubehpc\.dev\/v1alpha1\s+true\s+ProjectService/m);
  const scaling = await ok(['api-resources', '--api-group=scaling.kubehpc.dev', '--no-headers']);
  t.match(scaling, /^scalingpolicies\s+sp\s+scaling\.kubehpc\.dev\/v1alpha1\s+true\s+ScalingPolicy/m);
  const explained = await ok(['explain', 'ps.spec.hardware']);
  t.match(explained, /sriovVFs\s+<integer>/);
  t.match(explained, /SR-IOV virtual functions per replica/);
});

t.test('apply, get, scale, patch, wait, dry run and strict validation', async (t) => {
  const ns = await testNamespace(t, 'kubectl');
  t.match(await ok(['apply', '-f', '-'], ps(ns, 'portal')), 'projectservice.apps.kubehpc.dev/portal created');
  t.match(
    await ok(['apply', '-f', '-'], sp(ns, 'portal-peak')),
    'scalingpolicy.scaling.kubehpc.dev/portal-peak created',
  );
  const wide = await ok(['get', 'ps', '-n', ns, '-o', 'wide']);
  t.match(wide, /^NAME\s+READY\s+PHASE\s+IMAGE\s+AGE\s+UP-TO-DATE\s+AVAILABLE\s+ENDPOINT\s+HARDWARE/m);
  // The ProjectService controller may already have realised it: any phase it can be in by now.
  t.match(
    wide,
    /^portal\s+\d\/3\s+(Pending|Progressing|Running)\s+registry\.example\/portal:1\.4\.2\s+\S+\s+\d\s+\d\s+(<none>|portal\.\S+:8080)\s+vf=2,numa=single,disk=50Gi/m,
  );
  t.match(
    await ok(['get', 'hpc', '-n', ns, '-o', 'name']),
    /projectservice\.apps\.kubehpc\.dev\/portal\nscalingpolicy\.scaling\.kubehpc\.dev\/portal-peak/,
  );
  // The scaling controller may or may not have evaluated the policy yet: current, desired and
  // the last decision are either still unknown or filled in; target, min and max are fixed.
  t.match(
    await ok(['get', 'sp', '-n', ns]),
    /^NAME\s+TARGET\s+MIN\s+MAX\s+CURRENT\s+DESIRED\s+LAST-DECISION\s+AGE\n^portal-peak\s+portal\s+2\s+20\s+(<unknown>\s+<unknown>\s+<none>|\d+\s+\d+\s+\d+→\d+)/m,
  );

  // kubectl wait watches the object; the scale lands while it waits.
  const waiting = kubectl([
    'wait',
    '-n',
    ns,
    '--for=jsonpath={.spec.replicas}=5',
    'ps/portal',
    '--timeout=60s',
  ]);
  t.match(await ok(['scale', '-n', ns, 'ps/portal', '--replicas=5']), 'scaled');
  const waited = await waiting;
  t.equal(waited.code, 0, waited.stderr);
  t.equal(await ok(['get', 'ps', 'portal', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '5');

  await ok([
    'patch',
    'ps',
    'portal',
    '-n',
    ns,
    '--type=json',
    '-p',
    '[{"op":"replace","path":"/spec/replicas","value":2}]',
  ]);
  await ok([
    'patch',
    'ps',
    'portal',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"metadata":{"labels":{"tier":"web"}}}',
  ]);
  t.equal(
    await ok(['get', 'ps', '-n', ns, '-l', 'tier=web', '-o', 'jsonpath={.items[*].spec.replicas}']),
    '2',
  );

  const dry = await ok(['create', '--dry-run=server', '-f', '-'], ps(ns, 'dry'));
  t.match(dry, 'created (server dry run)');
  t.equal((await kubectl(['get', 'ps', 'dry', '-n', ns])).code, 1, 'a server dry run stores nothing');

  const strict = await kubectl(['create', '--validate=strict', '-f', '-'], {
    input: ps(ns, 'strict', '  hostNetwork: true\n'),
  });
  t.not(strict.code, 0);
  t.match(strict.stderr, 'unknown field "spec.hostNetwork"');
  const invalid = await kubectl(['apply', '-f', '-'], {
    input: ps(ns, 'bad').replace('replicas: 3', 'replicas: -3'),
  });
  t.match(invalid.stderr, /spec\.replicas: Invalid value: -3: must be greater than or equal to 0/);

  t.match(await ok(['delete', 'ps', 'portal', '-n', ns]), 'deleted');
  t.equal((await kubectl(['get', 'ps', 'portal', '-n', ns])).code, 1);
});

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  subresource?: string;
}

t.test('server-side apply: managedFields, conflicts with another manager, force', async (t) => {
  const ns = await testNamespace(t, 'ssa');
  t.match(await ok(['apply', '--server-side', '-f', '-'], ps(ns, 'portal')), 'serverside-applied');
  // The controller may already have written status (its own entry, subresource "status"):
  // the object's own fields are kubectl's, applied.
  const applied = await json<{ metadata: { managedFields: ManagedFieldsEntry[] } }>([
    'get',
    'ps',
    'portal',
    '-n',
    ns,
    '--show-managed-fields',
  ]);
  t.same(
    applied.metadata.managedFields
      .filter((m) => m.subresource === undefined)
      .map((m) => `${m.manager}/${m.operation}`),
    ['kubectl/Apply'],
  );
  t.ok(
    applied.metadata.managedFields.every((m) => m.subresource === undefined || m.subresource === 'status'),
    'any other entry is a status write',
  );
  await ok([
    'patch',
    'ps',
    'portal',
    '-n',
    ns,
    '--type=merge',
    '-p',
    '{"spec":{"replicas":7}}',
    '--field-manager=autoscaler',
  ]);
  const conflict = await kubectl(['apply', '--server-side', '-f', '-'], { input: ps(ns, 'portal') });
  t.not(conflict.code, 0);
  t.match(conflict.stderr, 'conflict with "autoscaler": .spec.replicas');
  t.equal(
    await ok(['get', 'ps', 'portal', '-n', ns, '-o', 'jsonpath={.spec.replicas}']),
    '7',
    'a conflict changes nothing',
  );
  // Leaving replicas out of the configuration leaves them to the other manager.
  await ok(['apply', '--server-side', '-f', '-'], ps(ns, 'portal').replace('  replicas: 3\n', ''));
  t.equal(await ok(['get', 'ps', 'portal', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '7');
  await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], ps(ns, 'portal'));
  t.equal(await ok(['get', 'ps', 'portal', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '3', 'forced');
  // Fields the applier stops applying are removed.
  await ok(
    ['apply', '--server-side', '-f', '-'],
    ps(ns, 'portal').replace('  hardware: {sriovVFs: 2, numa: SingleNode, localDisk: 50Gi}\n', ''),
  );
  t.equal(
    await ok(['get', 'ps', 'portal', '-n', ns, '-o', 'jsonpath={.spec.hardware}']),
    '',
    'hardware removed',
  );
});

t.test('RBAC decides: a user is denied until a RoleBinding grants edit', async (t) => {
  const ns = await testNamespace(t, 'rbac');
  const user = `e2e-user-${randomBytes(3).toString('hex')}`;
  const denied = await kubectl(['--as', user, 'get', 'ps', '-n', ns]);
  t.not(denied.code, 0);
  t.match(
    denied.stderr,
    `User "${user}" cannot list resource "projectservices" in API group "apps.kubehpc.dev" in the namespace "${ns}"`,
  );
  const create = await kubectl(['--as', user, 'create', '-f', '-'], { input: ps(ns, 'sneaky') });
  t.not(create.code, 0);
  t.equal((await kubectl(['get', 'ps', 'sneaky', '-n', ns])).code, 1, 'the denied create stored nothing');
  await objects().create({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'e2e-edit', namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  } as never);
  // The server caches denials for a few seconds.
  await eventually(
    'access granted',
    async () => ((await kubectl(['--as', user, 'get', 'ps', '-n', ns])).code === 0 ? true : undefined),
    30_000,
  );
  t.match(await ok(['--as', user, 'create', '-f', '-'], ps(ns, 'allowed')), 'created');
});

t.test(
  'the garbage collector honours ownerReferences to our objects, background and foreground',
  async (t) => {
    const ns = await testNamespace(t, 'gc');
    const owned = async (owner: string) => {
      await ok(['apply', '-f', '-'], ps(ns, owner));
      const uid = await ok(['get', 'ps', owner, '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
      await objects().create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${owner}-config`,
          namespace: ns,
          ownerReferences: [
            {
              apiVersion: 'apps.kubehpc.dev/v1alpha1',
              kind: 'ProjectService',
              name: owner,
              uid,
              blockOwnerDeletion: true,
            },
          ],
        },
        data: { a: 'b' },
      } as never);
    };
    const gone = (what: string, args: string[]) =>
      eventually(what, async () => (isNotFound(await kubectl(args)) ? true : undefined), 60_000);

    await owned('background');
    await ok(['delete', 'ps', 'background', '-n', ns]);
    await gone('dependent of a deleted owner', ['get', 'configmap', 'background-config', '-n', ns]);

    await owned('foreground');
    await ok(['delete', 'ps', 'foreground', '-n', ns, '--cascade=foreground', '--wait=false']);
    await gone('foreground owner', ['get', 'ps', 'foreground', '-n', ns]);
    t.not(
      (await kubectl(['get', 'configmap', 'foreground-config', '-n', ns])).code,
      0,
      'the dependent went first',
    );

    await owned('orphaning');
    await ok(['delete', 'ps', 'orphaning', '-n', ns, '--cascade=orphan', '--wait=false']);
    await gone('orphaning owner', ['get', 'ps', 'orphaning', '-n', ns]);
    const refs = await ok([
      'get',
      'configmap',
      'orphaning-config',
      '-n',
      ns,
      '-o',
      'jsonpath={.metadata.ownerReferences}',
    ]);
    t.equal(refs, '', 'the orphaned dependent stays, without its owner reference');
  },
);

t.test('deleting a namespace that holds our objects completes', async (t) => {
  const ns = `e2e-nsdel-${randomBytes(3).toString('hex')}`;
  await ok(['create', 'namespace', ns]);
  await ok(['apply', '-f', '-'], ps(ns, 'portal'));
  await ok(['apply', '-f', '-'], sp(ns, 'portal-peak'));
  await ok(['delete', 'namespace', ns, '--wait=false']);
  await eventually(
    `namespace ${ns} gone`,
    async () => (isNotFound(await kubectl(['get', 'namespace', ns])) ? true : undefined),
    90_000,
  );
  t.pass('namespace deleted');
});
