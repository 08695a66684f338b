import t from 'tap';
import { decodeContinue, encodeContinue } from '../../../../apiserver/src/storage/continue.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

t.test('continue tokens carry the snapshot revision and the next key', async (t) => {
  t.same(decodeContinue(encodeContinue(42, 'ns/b\u0000')), { revision: 42, start: 'ns/b\u0000' });
});

t.test('tokens that are not ours are 400 BadRequest', async (t) => {
  const forged = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  for (const bad of [
    'not base64 json!',
    forged({ v: 'other', rv: 1, start: 'a' }),
    forged({ v: 'meta.k8s.io/v1', rv: 0, start: 'a' }),
    forged({ v: 'meta.k8s.io/v1', rv: 1, start: '../etc' }),
    forged({ v: 'meta.k8s.io/v1', rv: 1, start: '/abs' }),
  ]) {
    t.throws(() => decodeContinue(bad), StatusError, bad);
  }
});
