import t from 'tap';
import {
  conditionMessage,
  conditionReason,
  conditionStatus,
} from '../../../../apiserver/src/controllers/conditions.ts';

t.test('foreign reasons are made CamelCase-safe, never empty', async (t) => {
  t.equal(conditionReason('ProgressDeadlineExceeded'), 'ProgressDeadlineExceeded');
  t.equal(conditionReason('Insufficient kubehpc.dev/sriov-vf'), 'Insufficientkubehpcdevsriovvf');
  t.equal(conditionReason('0:bad'), 'bad', 'a reason starts with a letter');
  t.equal(conditionReason('   '), 'Unknown');
});

t.test('messages are cut to the API limit, marked where cut', async (t) => {
  t.equal(conditionMessage('short'), 'short');
  const long = conditionMessage('x'.repeat(40_000));
  t.equal(long.length, 32768);
  t.ok(long.endsWith('...'));
});

t.test('statuses other than True and False are Unknown', async (t) => {
  t.equal(conditionStatus('True'), 'True');
  t.equal(conditionStatus('False'), 'False');
  t.equal(conditionStatus('maybe'), 'Unknown');
});
