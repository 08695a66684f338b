// The work queue: a key waits once however often it is added, is never handed to two workers
// at once, comes back after a processing add, and backs off exponentially per key on failure.

import t from 'tap';
import { WorkQueue } from '../../../../common/controller/queue.ts';

t.test('a key added several times waits once', async (t) => {
  const q = new WorkQueue();
  q.add('ns/a');
  q.add('ns/b');
  q.add('ns/a');
  t.equal(q.depth, 2);
  t.equal(await q.get(), 'ns/a');
  t.equal(await q.get(), 'ns/b');
  t.equal(q.depth, 0);
});

t.test('a key added while processed is handed out again only once it is done', async (t) => {
  const q = new WorkQueue();
  q.add('ns/a');
  const key = await q.get();
  q.add('ns/a');
  t.equal(q.depth, 0, 'not queued while a worker holds it');
  let second: string | undefined;
  void q.get().then((k) => {
    second = k;
  });
  await Promise.resolve();
  t.equal(second, undefined, 'no second worker gets it');
  q.done(key ?? '');
  await Promise.resolve();
  t.equal(second, 'ns/a', 'requeued when done');
});

t.test('a key done without a new add is not requeued', async (t) => {
  const q = new WorkQueue();
  q.add('ns/a');
  q.done((await q.get()) ?? '');
  t.equal(q.depth, 0);
});

t.test('failures back off exponentially per key, capped; forget resets', async (t) => {
  const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 35 });
  t.same(
    [q.addRateLimited('ns/a'), q.addRateLimited('ns/a'), q.addRateLimited('ns/a'), q.addRateLimited('ns/a')],
    [10, 20, 35, 35],
  );
  t.equal(q.addRateLimited('ns/b'), 10, 'another key has its own count');
  q.forget('ns/a');
  t.equal(q.addRateLimited('ns/a'), 10);
  // The queue's timers do not hold the process open; this test must.
  const alive = setTimeout(() => undefined, 1000);
  t.equal(await q.get(), 'ns/a', 'the key comes back after its delay');
  clearTimeout(alive);
  q.shutDown();
});

t.test('shutdown releases waiting workers', async (t) => {
  const q = new WorkQueue();
  const waiting = q.get();
  q.shutDown();
  t.equal(await waiting, undefined);
  q.add('ns/a');
  t.equal(await q.get(), undefined, 'nothing after shutdown');
});
