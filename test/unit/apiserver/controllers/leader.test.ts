// Leader election's decision: what a replica does with the Lease as it reads it now.

import t from 'tap';
import { decide } from '../../../../apiserver/src/controllers/leader.ts';

const now = new Date('2026-01-01T00:00:30Z');

t.test('no Lease yet: acquire it', async (t) => {
  t.equal(decide(undefined, now, 'me'), 'acquire');
});

t.test('a Lease I hold: renew it, even when it has expired', async (t) => {
  t.equal(
    decide({ holderIdentity: 'me', renewTime: '2026-01-01T00:00:25Z', leaseDurationSeconds: 15 }, now, 'me'),
    'renew',
  );
  t.equal(
    decide({ holderIdentity: 'me', renewTime: '2026-01-01T00:00:00Z', leaseDurationSeconds: 15 }, now, 'me'),
    'renew',
  );
});

t.test("another replica's live Lease: stand by", async (t) => {
  t.equal(
    decide(
      { holderIdentity: 'other', renewTime: '2026-01-01T00:00:20.000000Z', leaseDurationSeconds: 15 },
      now,
      'me',
    ),
    'standby',
  );
  t.equal(
    decide(
      { holderIdentity: 'other', renewTime: new Date('2026-01-01T00:00:15Z'), leaseDurationSeconds: 15 },
      now,
      'me',
    ),
    'standby',
    'exactly at expiry it is still held',
  );
});

t.test("another replica's expired Lease: take it over", async (t) => {
  t.equal(
    decide(
      { holderIdentity: 'other', renewTime: '2026-01-01T00:00:14.999999Z', leaseDurationSeconds: 15 },
      now,
      'me',
    ),
    'acquire',
  );
});

t.test('a released or malformed Lease: acquire it', async (t) => {
  t.equal(
    decide({ holderIdentity: '', renewTime: '2026-01-01T00:00:29Z', leaseDurationSeconds: 15 }, now, 'me'),
    'acquire',
  );
  t.equal(decide({ holderIdentity: 'other' }, now, 'me'), 'acquire', 'never renewed');
  t.equal(
    decide({ holderIdentity: 'other', renewTime: 'yesterday', leaseDurationSeconds: 15 }, now, 'me'),
    'acquire',
  );
});
