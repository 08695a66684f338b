// The auth answer cache: bounded by count, and emptied of expired answers as writes go on.

import t from 'tap';
import { TtlCache } from '../../../../apiserver/src/server/ttlcache.ts';

t.test('an answer is served until it expires', async (t) => {
  const cache = new TtlCache<string>();
  cache.set('k', 'v', 1_000, 0);
  t.equal(cache.get('k', 999), 'v');
  t.equal(cache.get('k', 1_000), undefined);
  t.equal(cache.size, 0, 'an expired entry read is dropped');
});

t.test('the oldest entry goes when the cache is full', async (t) => {
  const cache = new TtlCache<number>(3);
  for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 60_000, 0);
  t.equal(cache.size, 3);
  t.equal(cache.get('k0', 1), undefined);
  t.equal(cache.get('k1', 1), undefined);
  t.equal(cache.get('k4', 1), 4);
});

t.test('expired answers nobody asks for again are swept out by later writes', async (t) => {
  const cache = new TtlCache<number>(10_000, 10_000);
  // A burst of one-off users, each asked about once.
  for (let i = 0; i < 1_000; i++) cache.set(`user-${i}`, i, 5_000, 0);
  t.equal(cache.size, 1_000);
  cache.set('later', 1, 5_000, 9_000);
  t.equal(cache.size, 1_001, 'no sweep before the interval has passed');
  cache.set('much-later', 2, 5_000, 10_000);
  t.equal(cache.size, 2, 'only the answers still current remain');
  t.equal(cache.get('later', 10_000), 1);
  t.equal(cache.get('much-later', 10_000), 2);
});
