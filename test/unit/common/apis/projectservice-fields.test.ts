// Schema and validation of the fields of issue 14 (env sources, pull secrets, extended
// resources, placement, shared data): what is admitted as written, what is refused and at
// which field path, and that `kubectl explain` has something to say about each.

import t from 'tap';
import { PROJECT_SERVICE } from '../../../../common/apis/apps/v1alpha1/register.ts';
import { PROJECT_SERVICE_SPEC_SCHEMA } from '../../../../common/apis/apps/v1alpha1/schema.ts';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { decode, validateObject } from '../../../../common/apis/decode.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

function admit(spec: Record<string, unknown>): ProjectService {
  const { object } = decode(
    PROJECT_SERVICE,
    {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'p' },
      spec: { image: 'a', ...spec },
    },
    'Strict',
  );
  validateObject(PROJECT_SERVICE, object);
  return object;
}

function causes(spec: Record<string, unknown>): { field?: string; reason?: string; message?: string }[] {
  try {
    admit(spec);
  } catch (error) {
    if (error instanceof StatusError && error.status.code === 422) return error.status.details?.causes ?? [];
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be refused`);
}

t.test('a service using every new field is admitted as written, with defaults', async (t) => {
  const ps = admit({
    env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
    envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'APP_' }],
    secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
    imagePullSecrets: [{ name: 'registry' }],
    resources: { extended: { 'nvidia.com/gpu': '2', 'amd.com/gpu': '1', 'example.org/fpga': '1' } },
    placement: {
      nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      spread: 'NodesRequired',
    },
    data: { mountPath: '/shared', size: '10Gi', storageClassName: 'fast' },
  });
  t.same(ps.spec.env?.[0]?.valueFrom?.secretKeyRef, { name: 'db', key: 'password', optional: false });
  t.equal(ps.spec.placement?.tolerations?.[0]?.operator, 'Exists');
  t.equal(ps.spec.data?.readOnly, false);
  t.equal(
    admit({ placement: { tolerations: [{ key: 'k', value: 'v' }] } }).spec.placement?.tolerations?.[0]
      ?.operator,
    'Equal',
  );
});

const refused: [string, Record<string, unknown>, string, string][] = [
  [
    'value and valueFrom',
    { env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
    'spec.env[0].value',
    'FieldValueInvalid',
  ],
  [
    'valueFrom naming two sources',
    {
      env: [
        {
          name: 'A',
          valueFrom: { secretKeyRef: { name: 's', key: 'k' }, configMapKeyRef: { name: 'c', key: 'k' } },
        },
      ],
    },
    'spec.env[0].valueFrom',
    'FieldValueInvalid',
  ],
  [
    'valueFrom naming none',
    { env: [{ name: 'A', valueFrom: {} }] },
    'spec.env[0].valueFrom',
    'FieldValueInvalid',
  ],
  [
    'a Secret name that is not a DNS subdomain',
    { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'Bad_Name', key: 'k' } } }] },
    'spec.env[0].valueFrom.secretKeyRef.name',
    'FieldValueInvalid',
  ],
  [
    'a key with a slash',
    { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'a/b' } } }] },
    'spec.env[0].valueFrom.configMapKeyRef.key',
    'FieldValueInvalid',
  ],
  [
    'envFrom naming two sources',
    { envFrom: [{ secretRef: { name: 's' }, configMapRef: { name: 'c' } }] },
    'spec.envFrom[0]',
    'FieldValueInvalid',
  ],
  ['envFrom naming none', { envFrom: [{ prefix: 'A_' }] }, 'spec.envFrom[0]', 'FieldValueInvalid'],
  [
    'Secret files at the root',
    { secretFiles: [{ secretName: 's', mountPath: '/' }] },
    'spec.secretFiles[0].mountPath',
    'FieldValueInvalid',
  ],
  [
    'Secret files over the config',
    { config: { mountPath: '/etc/app' }, secretFiles: [{ secretName: 's', mountPath: '/etc/app/' }] },
    'spec.secretFiles[0].mountPath',
    'FieldValueInvalid',
  ],
  [
    'a pull secret without a name',
    { imagePullSecrets: [{}] },
    'spec.imagePullSecrets[0].name',
    'FieldValueRequired',
  ],
  [
    'an unprefixed extended resource',
    { resources: { extended: { gpu: '1' } } },
    'spec.resources.extended',
    'FieldValueInvalid',
  ],
  [
    'a native resource as extended',
    { resources: { extended: { 'kubernetes.io/gpu': '1' } } },
    'spec.resources.extended',
    'FieldValueInvalid',
  ],
  [
    "kubehpc's own resource as extended",
    { resources: { extended: { 'kubehpc.dev/sriov-vf': '1' } } },
    'spec.resources.extended',
    'FieldValueInvalid',
  ],
  [
    'a fractional GPU',
    { resources: { extended: { 'nvidia.com/gpu': '500m' } } },
    'spec.resources.extended[nvidia.com/gpu]',
    'FieldValueInvalid',
  ],
  [
    'zero GPUs',
    { resources: { extended: { 'nvidia.com/gpu': '0' } } },
    'spec.resources.extended[nvidia.com/gpu]',
    'FieldValueInvalid',
  ],
  [
    'a bad node-selector key',
    { placement: { nodeSelector: { 'a b': 'x' } } },
    'spec.placement.nodeSelector',
    'FieldValueInvalid',
  ],
  [
    'a bad node-selector value',
    { placement: { nodeSelector: { a: 'x y' } } },
    'spec.placement.nodeSelector[a]',
    'FieldValueInvalid',
  ],
  [
    'Exists with a value',
    { placement: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } },
    'spec.placement.tolerations[0].value',
    'FieldValueInvalid',
  ],
  [
    'no key without Exists',
    { placement: { tolerations: [{ value: 'v' }] } },
    'spec.placement.tolerations[0].operator',
    'FieldValueInvalid',
  ],
  [
    'tolerationSeconds without NoExecute',
    { placement: { tolerations: [{ key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] } },
    'spec.placement.tolerations[0].effect',
    'FieldValueInvalid',
  ],
  [
    'an unknown spread',
    { placement: { spread: 'Racks' } },
    'spec.placement.spread',
    'FieldValueNotSupported',
  ],
  [
    'data with size and claimName',
    { data: { mountPath: '/d', size: '1Gi', claimName: 'c' } },
    'spec.data',
    'FieldValueInvalid',
  ],
  ['data with neither', { data: { mountPath: '/d' } }, 'spec.data', 'FieldValueInvalid'],
  [
    'a storage class for an existing claim',
    { data: { mountPath: '/d', claimName: 'c', storageClassName: 's' } },
    'spec.data.storageClassName',
    'FieldValueForbidden',
  ],
  ['a zero size', { data: { mountPath: '/d', size: '0' } }, 'spec.data.size', 'FieldValueInvalid'],
  [
    'data over the local disk',
    { hardware: { localDisk: '1Gi' }, data: { mountPath: '/data', size: '1Gi' } },
    'spec.data.mountPath',
    'FieldValueInvalid',
  ],
  [
    'an empty claim name',
    { data: { mountPath: '/d', claimName: '' } },
    'spec.data.claimName',
    'FieldValueRequired',
  ],
  ['an empty size', { data: { mountPath: '/d', size: '' } }, 'spec.data.size', 'FieldValueRequired'],
  [
    'an empty GPU count',
    { resources: { extended: { 'nvidia.com/gpu': '' } } },
    'spec.resources.extended[nvidia.com/gpu]',
    'FieldValueRequired',
  ],
  ['data without a mount path', { data: { size: '1Gi' } }, 'spec.data.mountPath', 'FieldValueRequired'],
];

for (const [what, spec, field, reason] of refused) {
  t.test(`422: ${what} → ${field}`, async (t) => {
    const found = causes(spec);
    t.ok(
      found.some((c) => c.field === field && c.reason === reason),
      `causes ${JSON.stringify(found)} include ${field} ${reason}`,
    );
  });
}

t.test('kubectl explain has a description for every new field', async (t) => {
  const props = PROJECT_SERVICE_SPEC_SCHEMA.properties ?? {};
  for (const name of ['envFrom', 'secretFiles', 'imagePullSecrets', 'placement', 'data']) {
    t.match(props[name]?.description ?? '', /\w/, `spec.${name} is described`);
  }
  t.match(props.resources?.properties?.extended?.description ?? '', /nvidia\.com\/gpu/);
  t.match(props.placement?.properties?.spread?.description ?? '', /NodesRequired/);
});
