import t from 'tap';
import { parseDuration } from '../../../common/duration.ts';
import { metaTime, microTime } from '../../../common/time.ts';

t.test('metav1.Time drops the milliseconds, MicroTime has exactly six digits', async (t) => {
  const at = new Date('2026-11-29T12:00:01.234Z');
  t.equal(metaTime(at), '2026-11-29T12:00:01Z');
  t.equal(microTime(at), '2026-11-29T12:00:01.234000Z');
});

t.test('durations as Go writes them', async (t) => {
  t.equal(parseDuration('90s'), 90);
  t.equal(parseDuration('1h30m'), 5400);
  t.equal(parseDuration('250ms'), 0.25, 'milliseconds, not 250 minutes and an s');
  t.equal(parseDuration('1m500ms'), 60.5);
  t.equal(parseDuration('1.5h'), 5400);
  for (const bad of ['', '10', 'h', '-5s', '5 s', '5d', '1h-1m', 'ms'])
    t.equal(parseDuration(bad), undefined, `${JSON.stringify(bad)} is not a duration`);
});
