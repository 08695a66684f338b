import t from 'tap';
import { coreServices } from '../../../scheduler-extender/src/scores/core-services.ts';
import { diskHeadroom, vfHeadroom } from '../../../scheduler-extender/src/scores/headroom.ts';
import { combinedScore } from '../../../scheduler-extender/src/scores/index.ts';
import { numaFit } from '../../../scheduler-extender/src/scores/numa-fit.ts';
import { amount, demand, Gi, view, zone } from './builders.ts';

const ctx = { maxCoreServices: 2 };

t.test('NUMA fit prefers the node whose best zone keeps the most headroom', async (t) => {
  const d = demand({ singleNuma: true, cpu: 8, vfs: 2 });
  const roomy = view();
  const tight = view({
    zones: { state: 'ok', value: [{ ...zone('node-0', 32, 128, 8), cpu: amount(32, 10) }] },
  });
  const roomyScore = numaFit.score(d, roomy, ctx) as number;
  t.equal(roomyScore, 8, '8 of 32 CPUs and 2 of 8 VFs: three quarters left');
  t.ok(roomyScore > (numaFit.score(d, tight, ctx) as number));
  t.equal(
    numaFit.score(
      demand({ singleNuma: true, vfs: 3 }),
      view({ zones: { state: 'ok', value: [zone('z', 4, 4, 2)] } }),
      ctx,
    ),
    0,
    'no fit: 0',
  );
  t.equal(numaFit.score(d, view({ zones: { state: 'missing', source: 'NRT' } }), ctx), 0, 'no topology: 0');
  t.equal(numaFit.score(demand(), roomy, ctx), undefined, 'says nothing about pods without NUMA needs');
});

t.test('disk headroom scores the share of capacity left after placement', async (t) => {
  const d = demand({ localDisk: 512 * Gi });
  t.equal(diskHeadroom.score(d, view({ disk: { state: 'ok', value: amount(1024 * Gi) } }), ctx), 5);
  t.equal(diskHeadroom.score(d, view({ disk: { state: 'ok', value: amount(1024 * Gi, 512 * Gi) } }), ctx), 0);
  t.equal(
    diskHeadroom.score(d, view({ disk: { state: 'invalid', source: 'a', reason: 'r' } }), ctx),
    0,
    'bad data: 0',
  );
  t.equal(diskHeadroom.score(demand(), view(), ctx), undefined);
});

t.test('VF headroom scores the share of VFs left after placement', async (t) => {
  t.equal(vfHeadroom.score(demand({ vfs: 4 }), view({ vfs: amount(8) }), ctx), 5);
  t.equal(vfHeadroom.score(demand({ vfs: 4 }), view({ vfs: amount(0) }), ctx), 0, 'no VFs: 0, never NaN');
  t.equal(vfHeadroom.score(demand(), view(), ctx), undefined);
});

t.test('at most N core services per node', async (t) => {
  const d = demand({ coreService: 'ns/api' });
  t.equal(coreServices.score(d, view(), ctx), 10, 'empty node');
  t.equal(
    coreServices.score(d, view({ coreServices: new Set(['ns/db']) }), ctx),
    5,
    'one other core service',
  );
  t.equal(
    coreServices.score(d, view({ coreServices: new Set(['ns/db', 'ns/mq']) }), ctx),
    0,
    'would make three',
  );
  t.equal(
    coreServices.score(d, view({ coreServices: new Set(['ns/db', 'ns/api']) }), ctx),
    5,
    'own service adds none',
  );
  t.equal(coreServices.score(d, view(), { maxCoreServices: 0 }), 0, 'N = 0 allows none');
  t.equal(coreServices.score(demand(), view(), ctx), undefined, 'non-core pods are not scored');
});

t.test('combined score is the rounded mean of the applicable scores, 0 when none applies', async (t) => {
  const d = demand({ vfs: 4, coreService: 'ns/api' });
  t.equal(combinedScore(d, view({ vfs: amount(8), coreServices: new Set(['ns/db']) }), ctx), 5);
  t.equal(combinedScore(demand(), view(), ctx), 0);
  for (const v of [view(), view({ vfs: amount(0), disk: { state: 'missing', source: 'x' } })]) {
    const s = combinedScore(demand({ vfs: 1, localDisk: Gi, singleNuma: true, coreService: 'a/b' }), v, ctx);
    t.ok(Number.isInteger(s) && s >= 0 && s <= 10, `score ${s} within 0–10`);
  }
});
