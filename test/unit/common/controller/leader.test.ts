// Leader election's decision: what a replica does with the Lease as it reads it now, judged
// on its own clock from when it first saw the Lease's current record.

import t from 'tap';
import { decide, type LeaseView, observe } from '../../../../common/controller/leader.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
const held = (renewTime: string, holderIdentity = 'other'): LeaseView => ({
  holderIdentity,
  renewTime,
  leaseDurationSeconds: 15,
});

t.test('no Lease yet: acquire it', async (t) => {
  t.equal(decide(undefined, at(0), 'me', undefined), 'acquire');
});

t.test('a Lease I hold: renew it, however old it looks', async (t) => {
  const lease = held('2025-01-01T00:00:00.000000Z', 'me');
  t.equal(decide(lease, at(30), 'me', observe(lease, at(0), undefined)), 'renew');
});

t.test("another replica's Lease, first seen now: stand by for a whole lease duration", async (t) => {
  const lease = held('2026-01-01T00:00:00.000000Z');
  const seen = observe(lease, at(0), undefined);
  t.equal(decide(lease, at(0), 'me', seen), 'standby');
  t.equal(decide(lease, at(15), 'me', seen), 'standby', 'exactly at expiry it is still held');
  t.equal(decide(lease, at(16), 'me', seen), 'acquire', 'unchanged for longer than the duration: expired');
});

t.test('a renewal seen restarts the count, whatever the renewTime says', async (t) => {
  const first = held('2026-01-01T00:00:00.000000Z');
  let seen = observe(first, at(0), undefined);
  const renewed = held('2026-01-01T00:00:10.000000Z');
  seen = observe(renewed, at(10), seen);
  t.equal(seen?.at, at(10).getTime(), 'observed when the record changed');
  t.equal(decide(renewed, at(20), 'me', seen), 'standby');
  t.equal(decide(renewed, at(26), 'me', seen), 'acquire');
});

t.test(
  'clock skew cannot make two leaders: a holder whose clock runs an hour behind keeps its Lease',
  async (t) => {
    // The holder renews every few seconds, but its clock says one hour ago; compared with the
    // local clock its renewTime always looks expired.
    let seen = observe(held('2025-12-31T23:00:00.000000Z'), at(0), undefined);
    seen = observe(held('2025-12-31T23:00:05.000000Z'), at(5), seen);
    t.equal(decide(held('2025-12-31T23:00:05.000000Z'), at(10), 'me', seen), 'standby');
  },
);

t.test('a clock running ahead cannot keep a dead holder alive', async (t) => {
  // renewTime an hour in the local future, but never renewed again: it expires a lease
  // duration after it was seen.
  const lease = held('2026-01-01T01:00:00.000000Z');
  const seen = observe(lease, at(0), undefined);
  t.equal(decide(lease, at(16), 'me', seen), 'acquire');
});

t.test('a released or malformed Lease: acquire it', async (t) => {
  t.equal(decide({ holderIdentity: '', leaseDurationSeconds: 15 }, at(0), 'me', undefined), 'acquire');
  t.equal(decide({ holderIdentity: 'other' }, at(0), 'me', undefined), 'acquire', 'no duration');
  t.equal(
    decide({ holderIdentity: 'other', leaseDurationSeconds: -1 }, at(0), 'me', undefined),
    'acquire',
    'nonsense duration',
  );
});
