// The deploy/update flags of issue 14 become exactly the spec fields the API defines, and each
// malformed value is a usage error before any request.

import t from 'tap';
import { givenSpec } from '../../../kubectl-plugin/src/deploy/given.ts';
import { UsageError } from '../../../kubectl-plugin/src/errors.ts';

const none = () => {
  throw new Error('no files');
};

t.test('every flag lands in its field', async (t) => {
  const spec = givenSpec(
    {
      env: ['PLAIN=x'],
      'secret-env': ['DB_PASSWORD=db/password'],
      'env-from-secret': ['api-keys'],
      'pull-secret': ['registry'],
      gpu: '2',
      resource: ['example.org/fpga=1'],
      cpu: '1',
      'node-selector': ['node.kubehpc.dev/pool=gpu'],
      toleration: ['nvidia.com/gpu:NoSchedule', 'dedicated=hpc'],
      volume: '100Gi:/shared',
    },
    none,
  );
  t.same(spec.env, [
    { name: 'PLAIN', value: 'x' },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
  ]);
  t.same(spec.envFrom, [{ secretRef: { name: 'api-keys' } }]);
  t.same(spec.imagePullSecrets, [{ name: 'registry' }]);
  t.same(spec.resources, { cpu: '1', extended: { 'nvidia.com/gpu': '2', 'example.org/fpga': '1' } });
  t.same(spec.placement, {
    nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
    tolerations: [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'hpc' },
    ],
  });
  t.same(spec.data, { size: '100Gi', mountPath: '/shared' });
});

const bad: [string, Record<string, unknown>, RegExp][] = [
  ['--secret-env without a key', { 'secret-env': ['A=db'] }, /KEY=SECRET\/KEY/],
  ['--secret-env without a name', { 'secret-env': ['db/key'] }, /KEY=SECRET\/KEY/],
  ['--pull-secret with a bad name', { 'pull-secret': ['Bad_Name'] }, /not a valid object name/],
  ['--gpu not a count', { gpu: 'two' }, /gpu/],
  ['--resource unprefixed', { resource: ['fpga=1'] }, /domain-prefixed/],
  ['--toleration with an unknown effect', { toleration: ['k:Sometimes'] }, /effect must be one of/],
  ['--volume without a path', { volume: '10Gi' }, /SIZE:PATH/],
  ['--volume with a relative path', { volume: '10Gi:data' }, /SIZE:PATH/],
  ['--node-selector without a value', { 'node-selector': ['zone'] }, /KEY=VALUE/],
];
for (const [what, flags, message] of bad) {
  t.test(`usage error: ${what}`, async (t) => {
    t.throws(() => givenSpec(flags, none), UsageError);
    t.throws(() => givenSpec(flags, none), { message });
  });
}
