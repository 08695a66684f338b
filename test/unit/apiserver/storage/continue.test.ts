import t from 'tap';
import {
  compactedList,
  decodeContinue,
  encodeContinue,
  listPage,
  listStart,
  pageLimit,
} from '../../../../apiserver/src/storage/continue.ts';
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

t.test(
  'listStart: no token reads at the asked revision; a token resumes at its revision and key',
  async (t) => {
    t.same(listStart('ns/', {}), { revision: 0 });
    t.same(listStart('ns/', { revision: 7 }), { revision: 7 });
    const token = encodeContinue(12, 'b\x00');
    t.same(listStart('ns/', { continue: token, revision: 3 }), { revision: 12, fromKey: 'ns/b\x00' });
    t.throws(() => listStart('ns/', { continue: 'nonsense' }), { code: 400 });
  },
);

t.test('pageLimit: a positive limit, else 0 (no limit)', async (t) => {
  t.equal(pageLimit({ limit: 5 }), 5);
  t.equal(pageLimit({ limit: 0 }), 0);
  t.equal(pageLimit({ limit: -1 }), 0);
  t.equal(pageLimit({}), 0);
});

t.test(
  'listPage: a token and a count only when items remain, resuming just after the last key',
  async (t) => {
    const full = listPage(['a'], 9, 'a', 0);
    t.same(full, { items: ['a'], resourceVersion: '9' });
    const partial = listPage(['a', 'b'], 9, 'b', 3);
    t.equal(partial.remainingItemCount, 3);
    t.same(decodeContinue(partial.continue ?? ''), { revision: 9, start: 'b\x00' });
  },
);

t.test('compactedList: 410, naming the continue token when there is one', async (t) => {
  t.match(compactedList({}, 4), { code: 410, message: 'too old resource version: 4' });
  t.match(compactedList({ continue: 'x' }, 4), { code: 410, message: /continue parameter is too old/ });
});
