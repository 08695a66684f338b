// The soak's plateau verdict: the slope of a memory curve's last half, in MiB per minute.

import t from 'tap';
import { lastHalf, plateau, slopePerMinute } from '../../../../bench/soak/plateau.ts';

const curve = (mibAt: (s: number) => number, seconds = 600, every = 10) =>
  Array.from({ length: seconds / every + 1 }, (_, i) => ({ atS: i * every, mib: mibAt(i * every) }));

t.test('the slope of a straight line is its rise per minute', async (t) => {
  t.equal(
    slopePerMinute([
      { atS: 0, mib: 100 },
      { atS: 120, mib: 106 },
    ]),
    3,
  );
  t.equal(slopePerMinute(curve(() => 250)), 0);
  t.ok(Math.abs(slopePerMinute(curve((s) => 100 - s / 60)) + 1) < 1e-9, 'falling 1 MiB/min');
});

t.test('too few points have no slope', async (t) => {
  t.ok(Number.isNaN(slopePerMinute([])));
  t.ok(Number.isNaN(slopePerMinute([{ atS: 5, mib: 1 }])));
  t.ok(
    Number.isNaN(
      slopePerMinute([
        { atS: 5, mib: 1 },
        { atS: 5, mib: 9 },
      ]),
    ),
  );
});

t.test('the last half is chosen by time, whatever the sampling', async (t) => {
  const points = [0, 10, 20, 290, 300, 590, 600].map((atS) => ({ atS, mib: atS }));
  t.same(
    lastHalf(points).map((p) => p.atS),
    [300, 590, 600],
  );
  t.same(lastHalf([]), []);
});

t.test('a warm-up followed by a flat line is a plateau', async (t) => {
  // 180 → 430 MiB in the first three minutes, then flat: the climb must not count.
  const warm = curve((s) => (s < 180 ? 180 + (250 * s) / 180 : 430));
  t.same(plateau(warm, 0.5), { slopeMiBPerMin: 0, limitMiBPerMin: 0.5, flat: true });
});

t.test('a slow steady climb after the warm-up is not a plateau', async (t) => {
  // 1 MiB/min: 1.4 GiB a day.
  const leak = curve((s) => (s < 180 ? 180 + (250 * s) / 180 : 430 + (s - 180) / 60));
  const verdict = plateau(leak, 0.5);
  t.equal(verdict.slopeMiBPerMin, 1);
  t.equal(verdict.flat, false);
});

t.test('jitter around a level (the live heap between collections) is a plateau', async (t) => {
  const jitter = curve((s) => 60 + ((s / 10) % 2 === 0 ? 1.5 : -1.5));
  const verdict = plateau(jitter, 0.5);
  t.ok(verdict.flat, `slope ${verdict.slopeMiBPerMin}`);
});

t.test('a curve too short to tell is not called flat', async (t) => {
  t.equal(plateau([{ atS: 0, mib: 100 }], 0.5).flat, false);
});
