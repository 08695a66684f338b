// No escalation through a ProjectService (issue 14), the pure half: which permissions a spec
// needs, that an update asks only about what it adds or changes, and that one missing
// permission refuses the write with 403 naming it. RBAC here is a table of grants; the e2e
// test test/e2e/apiserver/references.test.ts asks the real one.

import t from 'tap';
import { admitReferences } from '../../../../../apiserver/src/registry/apps/projectservices/admission.ts';
import { references } from '../../../../../apiserver/src/registry/apps/projectservices/references.ts';
import type { Requester } from '../../../../../apiserver/src/registry/strategy.ts';
import { admissionMessage } from '../../../../../apiserver/src/server/admission/requester.ts';
import type { ProjectServiceSpec } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';
import { REAL_NODE_ANNOTATION } from '../../../../../common/names.ts';
import { projectService } from '../../controllers/projectservice/fixtures.ts';

/** A requester granted exactly `grants` ("verb group/resource name"), recording what was asked. */
function requester(grants: string[]): Requester & { asked: string[] } {
  const asked: string[] = [];
  return {
    username: 'alice',
    asked,
    async allowed(a, namespace) {
      const key = `${a.verb} ${a.group}/${a.resource} ${a.name}`;
      asked.push(`${namespace}: ${key}`);
      return grants.includes(key);
    },
  };
}

const everything: Partial<ProjectServiceSpec> = {
  env: [
    { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    { name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
  ],
  envFrom: [{ secretRef: { name: 'keys' } }, { configMapRef: { name: 'more' } }],
  secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
  imagePullSecrets: [{ name: 'registry' }],
  data: { mountPath: '/shared', claimName: 'archive' },
  placement: {
    nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }, { operator: 'Exists' }],
  },
};

t.test('every reference of a spec is a permission of its author', async (t) => {
  t.same(
    references(projectService(everything)).map(
      (r) => `${r.verb} ${r.group}/${r.resource} ${r.name} <- ${r.field}`,
    ),
    [
      'get /secrets db <- spec.env[0].valueFrom.secretKeyRef',
      'get /configmaps settings <- spec.env[1].valueFrom.configMapKeyRef',
      'get /secrets keys <- spec.envFrom[0].secretRef',
      'get /configmaps more <- spec.envFrom[1].configMapRef',
      'get /secrets tls <- spec.secretFiles[0]',
      'get /secrets registry <- spec.imagePullSecrets[0]',
      'get /persistentvolumeclaims archive <- spec.data.claimName',
      'use apps.kubehpc.dev/placements node.kubehpc.dev/pool <- spec.placement.nodeSelector[node.kubehpc.dev/pool]',
      'use apps.kubehpc.dev/placements nvidia.com/gpu <- spec.placement.tolerations[0]',
      'use apps.kubehpc.dev/placements  <- spec.placement.tolerations[1]',
    ],
  );
  t.same(
    references(projectService({ data: { mountPath: '/d', size: '1Gi' } })),
    [],
    'a claim it creates is its own',
  );
  t.same(
    references(projectService({}, { annotations: { [REAL_NODE_ANNOTATION]: 'true' } })).map((r) => r.name),
    ['node.kubehpc.dev/class', 'node.kubehpc.dev/real'],
    'the real-node stand-in is a placement too',
  );
});

t.test('a create asks about every reference, in the namespace, and notes each', async (t) => {
  const grants = references(projectService(everything)).map(
    (r) => `${r.verb} ${r.group}/${r.resource} ${r.name}`,
  );
  const alice = requester(grants);
  const notes = await admitReferences(alice, projectService(everything), undefined);
  t.equal(alice.asked.length, 10);
  t.ok(alice.asked.every((a) => a.startsWith('climate: ')));
  t.equal(notes.length, 10);
  t.equal(notes[0], 'get secrets "db" (spec.env[0].valueFrom.secretKeyRef)');
  t.equal(notes[9], 'use placements.apps.kubehpc.dev (all) (spec.placement.tolerations[1])');
});

t.test('one missing permission refuses with 403 naming it', async (t) => {
  const alice = requester(['get /configmaps settings']);
  const spec = { env: everything.env ?? [] };
  const error = await admitReferences(alice, projectService(spec), undefined).catch((e: unknown) => e);
  t.ok(error instanceof StatusError);
  const status = (error as StatusError).status;
  t.equal(status.code, 403);
  t.equal(status.reason, 'Forbidden');
  t.equal(
    status.message,
    'secrets "db" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "climate": spec.env[0].valueFrom.secretKeyRef references it, and a ProjectService may only use what its author may get',
  );
  const placementError = await admitReferences(
    requester([]),
    projectService({
      placement: { tolerations: [{ key: 'dedicated', value: 'hpc', effect: 'NoSchedule' }] },
    }),
    undefined,
  ).catch((e: unknown) => e);
  t.match(
    (placementError as StatusError).status.message,
    /cannot use resource "placements" in API group "apps.kubehpc.dev"/,
  );
  t.match(
    (placementError as StatusError).status.message,
    /^placements.apps.kubehpc.dev "dedicated" is forbidden/,
  );
});

t.test('an update asks only about references it adds or changes', async (t) => {
  const before = projectService({
    env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
  });
  const bob = requester([]);
  // Unchanged references (even moved to another field) need nothing from the updater.
  const moved = projectService({
    image: 'registry.example/portal:2',
    envFrom: [{ secretRef: { name: 'db' } }],
  });
  t.same(await admitReferences(bob, moved, before), []);
  t.same(bob.asked, []);
  const added = projectService({
    env: [
      { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } },
    ],
  });
  const refused = await admitReferences(bob, added, before).catch((e: unknown) => e);
  t.equal((refused as StatusError).status.code, 403);
  t.same(bob.asked, ['climate: get /secrets other']);
});

t.test('without a requesting user, a spec with references is refused; one without needs none', async (t) => {
  const refused = await admitReferences(undefined, projectService(everything), undefined).catch(
    (e: unknown) => e,
  );
  t.equal((refused as StatusError).status.code, 403);
  t.same(await admitReferences(undefined, projectService({}), undefined), []);
});

t.test('the Event message names the user and every reference, cut with a count when long', async (t) => {
  t.equal(
    admissionMessage('alice', ['get secrets "a" (x)', 'get secrets "b" (y)']),
    'Admitted with the permissions of user "alice": get secrets "a" (x); get secrets "b" (y)',
  );
  const many = Array.from({ length: 100 }, (_, i) => `get secrets "s${i}" (spec.envFrom[${i}].secretRef)`);
  const message = admissionMessage('alice', many);
  t.ok(message.length <= 1100);
  t.match(message, /; and \d+ more$/);
});
