import t from 'tap';
import type { ProjectServiceSpec } from '../../../../../apiserver/src/apis/apps/v1alpha1/types.ts';
import { validateProjectServiceSpec } from '../../../../../apiserver/src/apis/apps/v1alpha1/validation.ts';
import { FieldPath } from '../../../../../apiserver/src/apis/field.ts';
import { checkRealisable } from '../../../../../apiserver/src/controllers/projectservice/admission.ts';
import { missionExample, projectService } from './fixtures.ts';

const spec = (s: Partial<ProjectServiceSpec>) => projectService(s).spec;

t.test('the mission example and a minimal service are realisable without warnings', async (t) => {
  t.same(checkRealisable(missionExample().spec), { errors: [], warnings: [] });
  t.same(checkRealisable(spec({})), { errors: [], warnings: [] });
});

t.test('local disk must be a whole number of bytes: it becomes an extended resource', async (t) => {
  t.same(checkRealisable(spec({ hardware: { localDisk: '1.5Gi' } })).errors, [], '1.5Gi is 1610612736 bytes');
  t.same(checkRealisable(spec({ hardware: { localDisk: '1500m' } })).errors, [
    {
      type: 'FieldValueInvalid',
      field: 'spec.hardware.localDisk',
      message: 'Invalid value: "1500m": must be a whole number of bytes',
    },
  ]);
});

t.test('the config directory may not be / nor where the local disk is mounted', async (t) => {
  t.match(checkRealisable(spec({ config: { mountPath: '/' } })).errors, [
    { field: 'spec.config.mountPath', message: /root directory/ },
  ]);
  t.match(
    checkRealisable(spec({ config: { mountPath: '/data/', files: {} }, hardware: { localDisk: '1Gi' } }))
      .errors,
    [{ field: 'spec.config.mountPath', message: /must differ from \/data/ }],
  );
  t.same(
    checkRealisable(spec({ config: { mountPath: '/data' } })).errors,
    [],
    '/data is free without local disk',
  );
  t.same(
    checkRealisable(spec({ config: { mountPath: '/data/config' }, hardware: { localDisk: '1Gi' } })).errors,
    [],
    'nested mounts work',
  );
});

t.test('health checks connect over TCP, so they must name a TCP port', async (t) => {
  const udp = [
    { name: 'http', port: 8080 },
    { name: 'dns', port: 53, protocol: 'UDP' as const },
  ];
  t.match(checkRealisable(spec({ ports: udp, healthCheck: { tcp: { port: 'dns' } } })).errors, [
    {
      field: 'spec.healthCheck.tcp.port',
      message: /must name a TCP port: tcp checks connect over TCP and port dns is UDP/,
    },
  ]);
  t.match(checkRealisable(spec({ ports: udp, healthCheck: { http: { port: 'dns' } } })).errors, [
    { field: 'spec.healthCheck.http.port' },
  ]);
  t.same(checkRealisable(spec({ ports: udp, healthCheck: { http: { port: 'http' } } })).errors, []);
});

t.test('single-NUMA placement without whole CPUs and memory is allowed, with a warning', async (t) => {
  t.match(checkRealisable(spec({ hardware: { numa: 'SingleNode' } })), {
    errors: [],
    warnings: [/without spec.resources.cpu and memory/],
  });
  t.match(
    checkRealisable(spec({ hardware: { numa: 'SingleNode' }, resources: { cpu: '1500m', memory: '1Gi' } })),
    {
      errors: [],
      warnings: [/1500m is not a whole number of CPUs/],
    },
  );
  t.same(
    checkRealisable(spec({ hardware: { numa: 'SingleNode' }, resources: { cpu: '2', memory: '1Gi' } }))
      .warnings,
    [],
  );
});

t.test('what validation.ts already refuses is not reported twice', async (t) => {
  const clash: ProjectServiceSpec = {
    image: 'x',
    ports: [
      { name: 'a', port: 80 },
      { name: 'b', port: 80 },
    ],
    config: { mountPath: '/c', files: { 'bad/name': 'x' } },
    healthCheck: { http: { port: 'nope' } },
  };
  t.ok(validateProjectServiceSpec(clash).length >= 3, 'validation.ts finds them');
  t.same(checkRealisable(clash).errors, [], 'the controller checks stay silent on them');
});

t.test('field paths follow a caller-given root', async (t) => {
  t.match(
    checkRealisable({ image: 'x', config: { mountPath: '/' } }, new FieldPath('items[0].spec')).errors,
    [{ field: 'items[0].spec.config.mountPath' }],
  );
});
