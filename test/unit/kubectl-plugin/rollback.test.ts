// Which revision a rollback re-applies.

import t from 'tap';
import { type Revision, revisionRows, rollbackTarget } from '../../../kubectl-plugin/src/verbs/rollback.ts';

const r = (revision: number, image: string): Revision => ({
  metadata: { name: `portal-${revision}`, creationTimestamp: '2026-01-01T00:00:00Z' },
  revision,
  data: { spec: { image } },
});
const all = [r(1, 'img:1'), r(3, 'img:3'), r(4, 'img:4')];

t.test('the one before the newest by default, or the one asked for', async (t) => {
  t.equal(rollbackTarget(all, undefined).revision, 3);
  t.equal(rollbackTarget(all, 1).data?.spec?.image, 'img:1');
  t.throws(() => rollbackTarget(all, 2), /no revision 2; there are: 1, 3, 4/);
  t.throws(() => rollbackTarget([r(1, 'x')], undefined), /no earlier revision/);
});

t.test('history --revisions lists them', async (t) => {
  t.equal(
    revisionRows(all.slice(0, 2)),
    [
      'REVISION   NAME       IMAGE   CREATED',
      '1          portal-1   img:1   2026-01-01T00:00:00Z',
      '3          portal-3   img:3   2026-01-01T00:00:00Z',
    ].join('\n'),
  );
});
