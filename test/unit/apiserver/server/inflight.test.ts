import t from 'tap';
import { InflightLimiter } from '../../../../apiserver/src/server/inflight.ts';

t.test('read-only and mutating requests have separate limits', async (t) => {
  const limiter = new InflightLimiter(2, 1);
  t.ok(limiter.tryAcquire('readonly'));
  t.ok(limiter.tryAcquire('readonly'));
  t.notOk(limiter.tryAcquire('readonly'), 'the third concurrent read is refused');
  t.ok(limiter.tryAcquire('mutating'), 'writes have their own budget');
  t.notOk(limiter.tryAcquire('mutating'));
  limiter.release('readonly');
  t.ok(limiter.tryAcquire('readonly'), 'a released slot is reusable');
  t.equal(limiter.inUse('readonly'), 2);
});

t.test('0 means unlimited; verbs map to kinds', async (t) => {
  const limiter = new InflightLimiter(0, 0);
  let all = true;
  for (let i = 0; i < 1000; i++) all &&= limiter.tryAcquire('mutating');
  t.ok(all, 'never refuses');
  t.equal(InflightLimiter.kindOf('list'), 'readonly');
  t.equal(InflightLimiter.kindOf('patch'), 'mutating');
  t.equal(InflightLimiter.kindOf('deletecollection'), 'mutating');
});
