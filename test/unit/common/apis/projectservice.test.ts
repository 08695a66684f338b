import t from 'tap';
import { PROJECT_SERVICE } from '../../../../common/apis/apps/v1alpha1/register.ts';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { validateProjectServiceSpec } from '../../../../common/apis/apps/v1alpha1/validation.ts';
import { decode, type FieldValidation, validateObject } from '../../../../common/apis/decode.ts';
import { FieldPath } from '../../../../common/apis/field.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

function body(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'portal' }) {
  return { apiVersion: 'apps.kubehpc.dev/v1alpha1', kind: 'ProjectService', metadata, spec };
}

function admit(input: unknown, mode: FieldValidation = 'Strict'): ProjectService {
  const { object } = decode(PROJECT_SERVICE, input, mode);
  validateObject(PROJECT_SERVICE, object);
  return object;
}

function failure(input: unknown, mode: FieldValidation = 'Strict') {
  try {
    admit(input, mode);
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

t.test('defaults come from the schema', async (t) => {
  const ps = admit(
    body({
      image: 'nginx',
      ports: [{ name: 'http', port: 80 }],
      env: [{ name: 'A' }],
      config: { mountPath: '/c' },
      hardware: {},
      healthCheck: { http: { port: 'http' } },
    }),
  );
  t.equal(ps.spec.replicas, 1);
  t.equal(ps.spec.core, false);
  t.equal(ps.spec.ports?.[0]?.protocol, 'TCP');
  t.equal(ps.spec.env?.[0]?.value, '');
  t.equal(ps.spec.config?.onChange, 'Live');
  t.same(ps.spec.hardware, { sriovVFs: 0, numa: 'None' });
  t.same(ps.spec.healthCheck, {
    http: { port: 'http', path: '/' },
    initialDelaySeconds: 0,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
  });
  t.equal(ps.spec.resources, undefined, 'optional objects are not invented');
});

t.test('the mission example is valid as written', async (t) => {
  const ps = admit(
    body(
      {
        image: 'registry.example/portal:1.4.2',
        replicas: 3,
        ports: [{ name: 'http', port: 8080 }],
        env: [{ name: 'JAVA_OPTS', value: '-Xmx2g' }],
        resources: { cpu: '2', memory: '4Gi' },
        config: { mountPath: '/app/config', files: { 'application.yml': '...' }, onChange: 'Live' },
        hardware: { sriovVFs: 2, numa: 'SingleNode', localDisk: '50Gi' },
        core: true,
      },
      { name: 'portal', namespace: 'climate' },
    ),
  );
  t.equal(ps.spec.replicas, 3);
});

const invalidCases: Array<[string, Record<string, unknown>, string, string, Record<string, unknown>?]> = [
  ['missing image', {}, 'spec.image', 'FieldValueRequired'],
  ['bad image', { image: 'Registry/Portal' }, 'spec.image', 'FieldValueInvalid'],
  ['negative replicas', { image: 'a', replicas: -1 }, 'spec.replicas', 'FieldValueInvalid'],
  ['replicas as string', { image: 'a', replicas: '3' }, 'spec.replicas', 'FieldValueTypeInvalid'],
  [
    'port out of range',
    { image: 'a', ports: [{ name: 'http', port: 70000 }] },
    'spec.ports[0].port',
    'FieldValueInvalid',
  ],
  [
    'bad port name',
    { image: 'a', ports: [{ name: 'HTTP', port: 80 }] },
    'spec.ports[0].name',
    'FieldValueInvalid',
  ],
  [
    'duplicate port name',
    {
      image: 'a',
      ports: [
        { name: 'http', port: 80 },
        { name: 'http', port: 81 },
      ],
    },
    'spec.ports[1]',
    'FieldValueDuplicate',
  ],
  [
    'duplicate port number',
    {
      image: 'a',
      ports: [
        { name: 'a', port: 80 },
        { name: 'b', port: 80 },
      ],
    },
    'spec.ports[1].port',
    'FieldValueDuplicate',
  ],
  [
    'bad protocol',
    { image: 'a', ports: [{ name: 'a', port: 80, protocol: 'HTTP' }] },
    'spec.ports[0].protocol',
    'FieldValueNotSupported',
  ],
  ['bad env name', { image: 'a', env: [{ name: '1X' }] }, 'spec.env[0].name', 'FieldValueInvalid'],
  ['bad cpu quantity', { image: 'a', resources: { cpu: 'two' } }, 'spec.resources.cpu', 'FieldValueInvalid'],
  ['zero memory', { image: 'a', resources: { memory: '0' } }, 'spec.resources.memory', 'FieldValueInvalid'],
  [
    'relative mount path',
    { image: 'a', config: { mountPath: 'app' } },
    'spec.config.mountPath',
    'FieldValueInvalid',
  ],
  [
    'config without mount path',
    { image: 'a', config: { files: {} } },
    'spec.config.mountPath',
    'FieldValueRequired',
  ],
  [
    'bad file name',
    { image: 'a', config: { mountPath: '/c', files: { 'a/b': 'x' } } },
    'spec.config.files',
    'FieldValueInvalid',
  ],
  [
    'file name climbing out of the config directory',
    { image: 'a', config: { mountPath: '/c', files: { '../etc/passwd': 'x' } } },
    'spec.config.files',
    'FieldValueInvalid',
  ],
  [
    'config directory at the root (it would hide the image)',
    { image: 'a', config: { mountPath: '//', files: {} } },
    'spec.config.mountPath',
    'FieldValueInvalid',
  ],
  [
    'config directory where the local disk is mounted',
    { image: 'a', config: { mountPath: '/data/', files: {} }, hardware: { localDisk: '1Gi' } },
    'spec.config.mountPath',
    'FieldValueInvalid',
  ],
  [
    'local disk not a whole number of bytes (it becomes an extended resource)',
    { image: 'a', hardware: { localDisk: '1500m' } },
    'spec.hardware.localDisk',
    'FieldValueInvalid',
  ],
  [
    'health check on a UDP port',
    {
      image: 'a',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
      healthCheck: { tcp: { port: 'dns' } },
    },
    'spec.healthCheck.tcp.port',
    'FieldValueInvalid',
  ],
  [
    'oversized config',
    { image: 'a', config: { mountPath: '/c', files: { big: 'x'.repeat(1024 * 1024 + 1) } } },
    'spec.config.files',
    'FieldValueTooLong',
  ],
  [
    'bad onChange',
    { image: 'a', config: { mountPath: '/c', onChange: 'Reload' } },
    'spec.config.onChange',
    'FieldValueNotSupported',
  ],
  ['too many VFs', { image: 'a', hardware: { sriovVFs: 65 } }, 'spec.hardware.sriovVFs', 'FieldValueInvalid'],
  ['bad numa', { image: 'a', hardware: { numa: 'Any' } }, 'spec.hardware.numa', 'FieldValueNotSupported'],
  [
    'bad local disk',
    { image: 'a', hardware: { localDisk: '50GB' } },
    'spec.hardware.localDisk',
    'FieldValueInvalid',
  ],
  [
    'health check on unknown port',
    { image: 'a', healthCheck: { tcp: { port: 'web' } } },
    'spec.healthCheck.tcp.port',
    'FieldValueInvalid',
  ],
  [
    'health check with two kinds',
    {
      image: 'a',
      ports: [{ name: 'web', port: 80 }],
      healthCheck: { tcp: { port: 'web' }, http: { port: 'web' } },
    },
    'spec.healthCheck',
    'FieldValueInvalid',
  ],
  [
    'health check with none',
    { image: 'a', healthCheck: { periodSeconds: 5 } },
    'spec.healthCheck',
    'FieldValueInvalid',
  ],
  [
    'name with a dot (not a Service name)',
    { image: 'a' },
    'metadata.name',
    'FieldValueInvalid',
    { name: 'my.portal' },
  ],
  ['name starting with a digit', { image: 'a' }, 'metadata.name', 'FieldValueInvalid', { name: '1portal' }],
  ['no name', { image: 'a' }, 'metadata.name', 'FieldValueRequired', {}],
  [
    'bad label value',
    { image: 'a' },
    'metadata.labels[app]',
    'FieldValueInvalid',
    { name: 'p', labels: { app: '-x' } },
  ],
  [
    'bad label key',
    { image: 'a' },
    'metadata.labels',
    'FieldValueInvalid',
    { name: 'p', labels: { 'a/b/c': 'x' } },
  ],
  ['empty image', { image: '' }, 'spec.image', 'FieldValueRequired', { name: 'p' }],
  [
    'empty env name',
    { image: 'a', env: [{ name: '' }] },
    'spec.env[0].name',
    'FieldValueRequired',
    { name: 'p' },
  ],
  [
    'empty port name',
    { image: 'a', ports: [{ name: '', port: 80 }] },
    'spec.ports[0].name',
    'FieldValueRequired',
    { name: 'p' },
  ],
  [
    'empty config mount path',
    { image: 'a', config: { mountPath: '' } },
    'spec.config.mountPath',
    'FieldValueRequired',
    { name: 'p' },
  ],
  [
    'empty health check port',
    { image: 'a', ports: [{ name: 'http', port: 80 }], healthCheck: { tcp: { port: '' } } },
    'spec.healthCheck.tcp.port',
    'FieldValueRequired',
    { name: 'p' },
  ],
  [
    'bad finalizer',
    { image: 'a' },
    'metadata.finalizers[0]',
    'FieldValueInvalid',
    { name: 'p', finalizers: ['a b'] },
  ],
];

for (const [what, spec, fieldPath, type, metadata] of invalidCases) {
  t.test(`422 Invalid: ${what} → ${fieldPath}`, async (t) => {
    const status = failure(body(spec, metadata));
    t.equal(status.code, 422);
    t.equal(status.reason, 'Invalid');
    t.equal(status.details?.kind, 'ProjectService');
    t.equal(status.details?.group, 'apps.kubehpc.dev');
    t.ok(
      status.details?.causes?.some((c) => c.field === fieldPath && c.reason === type),
      `causes ${JSON.stringify(status.details?.causes)} include ${fieldPath} ${type}`,
    );
    t.match(status.message, /^ProjectService\.apps\.kubehpc\.dev ".*" is invalid: /);
  });
}

t.test('every cause is reported at once', async (t) => {
  const status = failure(body({ image: 'BAD', replicas: -2, hardware: { numa: 'x' } }));
  t.same(status.details?.causes?.map((c) => c.field).sort(), [
    'spec.hardware.numa',
    'spec.image',
    'spec.replicas',
  ]);
});

t.test('privileged, host paths and host networking cannot be expressed', async (t) => {
  const escalation = body({
    image: 'a',
    hostNetwork: true,
    hostPID: true,
    securityContext: { privileged: true },
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
    config: { mountPath: '/c', hostPath: '/etc' },
  });
  const strict = failure(escalation, 'Strict');
  t.equal(strict.code, 400);
  t.equal(strict.reason, 'BadRequest');
  for (const f of [
    'spec.hostNetwork',
    'spec.hostPID',
    'spec.securityContext',
    'spec.volumes',
    'spec.config.hostPath',
  ]) {
    t.match(strict.message, `unknown field "${f}"`);
  }
  const warned = decode(PROJECT_SERVICE, structuredClone(escalation), 'Warn');
  t.same(warned.warnings, [
    'unknown field "spec.hostNetwork"',
    'unknown field "spec.hostPID"',
    'unknown field "spec.securityContext"',
    'unknown field "spec.volumes"',
    'unknown field "spec.config.hostPath"',
  ]);
  const ignored = admit(structuredClone(escalation), 'Ignore');
  t.same(
    Object.keys(ignored.spec).sort(),
    ['config', 'core', 'image', 'replicas'],
    'the fields are pruned, never stored',
  );
  t.same(Object.keys(ignored.spec.config ?? {}).sort(), ['mountPath', 'onChange']);
});

t.test('unknown fields under metadata and at the top level are detected too', async (t) => {
  const status = failure({ ...body({ image: 'a' }, { name: 'p', colour: 'red' }), extra: 1 });
  t.match(status.message, 'unknown field "metadata.colour"');
  t.match(status.message, 'unknown field "extra"');
});

t.test('envelope errors are 400 BadRequest', async (t) => {
  t.equal(failure([]).code, 400);
  t.match(
    failure({ ...body({ image: 'a' }), apiVersion: 'apps/v1' }).message,
    'does not match the expected API version',
  );
  t.match(
    failure({ ...body({ image: 'a' }), kind: 'Deployment' }).message,
    'does not match the expected kind',
  );
  t.match(failure({ metadata: { name: 'x' }, spec: {} }).message, "Object 'Kind' is missing");
});

t.test('the config directory and the local disk: what is allowed', async (t) => {
  t.same(
    validateProjectServiceSpec({ image: 'a', config: { mountPath: '/data' } }),
    [],
    '/data is free without local disk',
  );
  t.same(
    validateProjectServiceSpec({
      image: 'a',
      config: { mountPath: '/data/config' },
      hardware: { localDisk: '1Gi' },
    }),
    [],
    'a directory inside the data mount works',
  );
  t.same(
    validateProjectServiceSpec({ image: 'a', hardware: { localDisk: '1.5Gi' } }),
    [],
    '1.5Gi is 1610612736 bytes',
  );
});

t.test('the messages of the realisability rules say why', async (t) => {
  t.match(validateProjectServiceSpec({ image: 'a', hardware: { localDisk: '1500m' } }), [
    { field: 'spec.hardware.localDisk', message: 'Invalid value: "1500m": must be a whole number of bytes' },
  ]);
  t.match(validateProjectServiceSpec({ image: 'a', config: { mountPath: '/' } }), [
    { field: 'spec.config.mountPath', message: /root directory/ },
  ]);
  t.match(
    validateProjectServiceSpec({
      image: 'a',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
      healthCheck: { http: { port: 'dns' } },
    }),
    [
      {
        field: 'spec.healthCheck.http.port',
        message: /must name a TCP port: http checks connect over TCP and port dns is UDP/,
      },
    ],
  );
  t.match(
    validateProjectServiceSpec({ image: 'a', config: { mountPath: '/' } }, new FieldPath('items[0].spec')),
    [{ field: 'items[0].spec.config.mountPath' }],
    'field paths follow a caller-given root',
  );
});

t.test('single-NUMA placement without whole CPUs and memory is admitted, with a warning', async (t) => {
  const warnings = (spec: Record<string, unknown>) => {
    const { object } = decode(PROJECT_SERVICE, body(spec), 'Strict');
    return validateObject(PROJECT_SERVICE, object);
  };
  t.match(warnings({ image: 'a', hardware: { numa: 'SingleNode' } }), [
    /without spec.resources.cpu and memory/,
  ]);
  t.match(
    warnings({ image: 'a', hardware: { numa: 'SingleNode' }, resources: { cpu: '1500m', memory: '1Gi' } }),
    [/1500m is not a whole number of CPUs/],
  );
  t.same(
    warnings({ image: 'a', hardware: { numa: 'SingleNode' }, resources: { cpu: '2', memory: '1Gi' } }),
    [],
  );
  t.same(warnings({ image: 'a' }), [], 'no NUMA request, nothing to warn about');
});
