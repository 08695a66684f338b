// Which revision a rollback re-applies.

import t from 'tap';
import type { Current } from '../../../kubectl-plugin/src/deploy/spec.ts';
import {
  type Revision,
  revisionRows,
  rollbackSpec,
  rollbackTarget,
} from '../../../kubectl-plugin/src/verbs/rollback.ts';

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

t.test('rollback keeps the scale: the current count when our manager owns it, none otherwise', async (t) => {
  const revision: Revision = { ...r(1, 'img:1'), data: { spec: { image: 'img:1', replicas: 9 } } };
  const managed = (manager: string): Current => ({
    metadata: {
      managedFields: [
        { manager, operation: 'Apply', fieldsV1: { 'f:spec': { 'f:image': {}, 'f:replicas': {} } } },
      ],
    },
    spec: { image: 'img:2', replicas: 3 },
  });
  t.same(rollbackSpec(revision, managed('kubectl-hpc'), 'kubectl-hpc'), { image: 'img:1', replicas: 3 });
  t.same(
    rollbackSpec(revision, managed('someone-else'), 'kubectl-hpc'),
    { image: 'img:1' },
    'replicas set by another manager (or the scaler) are left out, so they stay theirs',
  );
});
