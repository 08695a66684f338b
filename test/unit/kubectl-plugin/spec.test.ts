// deploy/update send exactly the given fields over what our field manager already owns.

import t from 'tap';
import { givenSpec } from '../../../kubectl-plugin/src/deploy/given.ts';
import { type Current, mergeSpec, ownedSpec } from '../../../kubectl-plugin/src/deploy/spec.ts';

const current: Current = {
  metadata: {
    generation: 3,
    managedFields: [
      {
        manager: 'kubectl-hpc',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:image': {}, 'f:env': {}, 'f:hardware': { 'f:sriovVFs': {} } } },
      },
      {
        manager: 'kubehpc-scaling-controller',
        operation: 'Update',
        subresource: 'scale',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'someone-else',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:core': {}, 'f:hardware': { 'f:numa': {} } } },
      },
    ],
  },
  spec: {
    image: 'img:1',
    replicas: 7,
    env: [{ name: 'A', value: '1' }],
    hardware: { sriovVFs: 2, numa: 'SingleNode' },
    core: true,
  },
};

t.test('only fields our manager applied are carried over; never replicas an autoscaler set', async (t) => {
  t.same(ownedSpec(current, 'kubectl-hpc'), {
    image: 'img:1',
    env: [{ name: 'A', value: '1' }],
    hardware: { sriovVFs: 2 },
  });
  t.same(ownedSpec(undefined, 'kubectl-hpc'), {});
});

t.test('given fields win; env merges by name, hardware by field', async (t) => {
  const merged = mergeSpec(ownedSpec(current, 'kubectl-hpc'), {
    image: 'img:2',
    env: [
      { name: 'B', value: '2' },
      { name: 'A', value: 'new' },
    ],
    hardware: { localDisk: '10Gi' },
  });
  t.same(merged, {
    image: 'img:2',
    env: [
      { name: 'A', value: 'new' },
      { name: 'B', value: '2' },
    ],
    hardware: { sriovVFs: 2, localDisk: '10Gi' },
  });
  t.notOk('replicas' in merged);
});

t.test('flags become spec fields; mistakes are usage errors', async (t) => {
  const files: Record<string, string> = { '/x/app.yml': 'a: 1', 'vars.env': '# c\nX=1\n\nY=a=b\n' };
  const read = (p: string) => files[p] ?? '';
  t.same(
    givenSpec(
      {
        image: 'r/p:1',
        replicas: '3',
        port: ['http:8080', '9090'],
        env: ['Z=3'],
        'env-file': ['vars.env'],
        cpu: '500m',
        'config-file': ['/x/app.yml'],
        'on-config-change': 'restart',
        vf: '2',
        numa: 'single',
        'local-disk': '50Gi',
        core: true,
        health: 'http:/healthz:http',
      },
      read,
    ),
    {
      image: 'r/p:1',
      replicas: 3,
      ports: [
        { name: 'http', port: 8080 },
        { name: 'port-9090', port: 9090 },
      ],
      env: [
        { name: 'X', value: '1' },
        { name: 'Y', value: 'a=b' },
        { name: 'Z', value: '3' },
      ],
      resources: { cpu: '500m' },
      config: { mountPath: '/app/config', files: { 'app.yml': 'a: 1' }, onChange: 'Restart' },
      hardware: { sriovVFs: 2, numa: 'SingleNode', localDisk: '50Gi' },
      core: true,
      healthCheck: { http: { path: '/healthz', port: 'http' } },
    },
  );
  t.throws(() => givenSpec({ replicas: '-1' }, read), /--replicas must be a whole number/);
  t.throws(() => givenSpec({ memory: '4GB' }, read), /--memory must be a quantity/);
  t.throws(() => givenSpec({ port: ['70000'] }, read), /--port must be/);
  t.throws(() => givenSpec({ env: ['=x'] }, read), /--env must be KEY=VALUE/);
  t.throws(() => givenSpec({ health: 'udp:1' }, read), /--health must be/);
  t.throws(() => givenSpec({ numa: 'double' }, read), /--numa must be one of single, none/);
  t.throws(() => givenSpec({ image: 'a b' }, read), /--image must be an image reference/);
});
