import t from 'tap';
import { acceptedWhenHeld, deleteOptions } from '../../../../apiserver/src/server/query.ts';

t.test('a held delete is 202 only for orphanDependents=false', async (t) => {
  t.equal(acceptedWhenHeld({}, undefined), false, 'no options: 200 with the object');
  t.equal(acceptedWhenHeld({}, { propagationPolicy: 'Foreground' }), false, 'a policy alone: 200');
  t.equal(acceptedWhenHeld({}, { orphanDependents: true }), false);
  t.equal(acceptedWhenHeld({}, { orphanDependents: false }), true, 'in the body');
  t.equal(acceptedWhenHeld({ orphanDependents: 'false' }, undefined), true, 'in the query');
  t.equal(
    acceptedWhenHeld({}, { orphanDependents: 'false' }),
    false,
    'a string in the body is not the boolean',
  );
});

t.test('orphanDependents=true means the Orphan policy, from the body or the query', async (t) => {
  t.same(deleteOptions({}, { orphanDependents: true }), { dryRun: false, propagationPolicy: 'Orphan' });
  t.same(deleteOptions({ orphanDependents: 'true' }, undefined), {
    dryRun: false,
    propagationPolicy: 'Orphan',
  });
  t.same(deleteOptions({}, { orphanDependents: false }), { dryRun: false });
  t.same(deleteOptions({ propagationPolicy: 'Foreground' }, { orphanDependents: true }), {
    dryRun: false,
    propagationPolicy: 'Foreground',
  });
  t.throws(
    () => deleteOptions({ propagationPolicy: 'Sideways' }, undefined),
    /propagationPolicy must be one of/,
  );
});
