import t from 'tap';
import { PROJECT_SERVICE_SCHEMA } from '../../../../../common/apis/apps/v1alpha1/schema.ts';
import type { ProjectService } from '../../../../../common/apis/apps/v1alpha1/types.ts';
import { StatusError } from '../../../../../common/apis/meta/errors.ts';
import {
  apply,
  decodeFields,
  encodeFields,
  fieldPaths,
  updateManagedFields,
} from '../../../../../common/apis/meta/managedfields.ts';

const V = 'apps.kubehpc.dev/v1alpha1';
const target = { group: 'apps.kubehpc.dev', resource: 'projectservices', name: 'portal' };
const config = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({
  apiVersion: V,
  kind: 'ProjectService',
  metadata: { name: 'portal', ...(labels ? { labels } : {}) },
  spec,
});

t.test('field paths and FieldsV1 round-trip, keyed lists item by item', async (t) => {
  const paths = fieldPaths(
    config(
      {
        image: 'a',
        ports: [{ name: 'http', port: 80 }],
        config: { mountPath: '/c', files: { 'a.yml': 'x' } },
      },
      { app: 'p' },
    ),
    PROJECT_SERVICE_SCHEMA,
  );
  const fields = encodeFields(paths);
  t.same(fields, {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:image': {},
      'f:ports': { 'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
      'f:config': { 'f:mountPath': {}, 'f:files': { 'f:a.yml': {} } },
    },
  });
  t.same([...decodeFields(fields)].sort(), [...paths].sort());
});

t.test('apply creates, then merges, and removes what the manager stops applying', async (t) => {
  const created = apply<ProjectService>(
    undefined,
    config({ image: 'a', replicas: 2, hardware: { localDisk: '1Gi' } }),
    'me',
    false,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  t.same(created.object.spec, { image: 'a', replicas: 2, hardware: { localDisk: '1Gi' } });
  t.same(
    created.managedFields.map((m) => [m.manager, m.operation]),
    [['me', 'Apply']],
  );
  const live = {
    ...created.object,
    metadata: { ...created.object.metadata, managedFields: created.managedFields },
  };
  // Defaulting adds fields nobody owns.
  live.spec.hardware = { ...live.spec.hardware, numa: 'None' };
  const next = apply<ProjectService>(
    live,
    config({ image: 'b', replicas: 2 }),
    'me',
    false,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  t.same(
    next.object.spec,
    { image: 'b', replicas: 2 },
    'hardware, no longer applied and owned by nobody, is gone',
  );
});

t.test('conflicts with another manager are 409 unless forced; equal values are shared', async (t) => {
  const created = apply<ProjectService>(
    undefined,
    config({ image: 'a', replicas: 2 }),
    'me',
    false,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  const live: ProjectService = {
    ...created.object,
    metadata: { ...created.object.metadata, managedFields: created.managedFields },
  };
  const scaled = structuredClone(live);
  scaled.spec.replicas = 5;
  scaled.metadata.managedFields = updateManagedFields(
    live as never,
    scaled as never,
    live.metadata.managedFields,
    'autoscaler',
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
  );
  t.same(
    scaled.metadata.managedFields.map((m) => [m.manager, m.operation, [...decodeFields(m.fieldsV1)]]),
    [
      ['me', 'Apply', ['f:spec\nf:image']],
      ['autoscaler', 'Update', ['f:spec\nf:replicas']],
    ],
    'the update took ownership of what it changed',
  );
  const conflict = (() => {
    try {
      apply(scaled, config({ image: 'a', replicas: 2 }), 'me', false, V, PROJECT_SERVICE_SCHEMA, '', target);
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  t.ok(conflict instanceof StatusError && conflict.code === 409);
  t.match((conflict as StatusError).message, 'conflict with "autoscaler": .spec.replicas');
  const same = apply<ProjectService>(
    scaled,
    config({ image: 'a', replicas: 5 }),
    'me',
    false,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  t.equal(same.managedFields.length, 2, 'applying the same value co-owns it');
  const forced = apply<ProjectService>(
    scaled,
    config({ image: 'a', replicas: 2 }),
    'me',
    true,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  t.equal(forced.object.spec.replicas, 2);
  t.same(
    forced.managedFields.map((m) => m.manager),
    ['me'],
    'forcing takes the field from the other manager',
  );
});

t.test('a status write keeps the owners of spec fields', async (t) => {
  const created = apply<ProjectService>(
    undefined,
    config({ image: 'a' }),
    'me',
    false,
    V,
    PROJECT_SERVICE_SCHEMA,
    '',
    target,
  );
  const live: ProjectService = {
    ...created.object,
    metadata: { ...created.object.metadata, managedFields: created.managedFields },
  };
  const withStatus = { ...structuredClone(live), status: { phase: 'Running' as const } };
  const fields = updateManagedFields(
    live as never,
    withStatus as never,
    live.metadata.managedFields,
    'controller',
    V,
    PROJECT_SERVICE_SCHEMA,
    'status',
  );
  t.same(
    fields.map((m) => [m.manager, m.subresource ?? '', [...decodeFields(m.fieldsV1)]]),
    [
      ['me', '', ['f:spec\nf:image']],
      ['controller', 'status', ['f:status\nf:phase']],
    ],
  );
});
