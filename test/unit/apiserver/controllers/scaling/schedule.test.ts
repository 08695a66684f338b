import t from 'tap';
import { localDate, windowAt } from '../../../../../apiserver/src/controllers/scaling/schedule.ts';
import type { ScheduleRule } from '../../../../../common/apis/scaling/v1alpha1/types.ts';

function at(rule: ScheduleRule, iso: string): boolean | string {
  const w = windowAt(rule, Date.parse(iso));
  return w.ok ? w.active : w.error;
}

const rule = (cron: string, duration: string, extra: Partial<ScheduleRule> = {}): ScheduleRule => ({
  cron,
  duration,
  replicas: 5,
  ...extra,
});

t.test('a weekday morning window in a named zone', async (t) => {
  const morning = rule('0 8 * * 1-5', '2h', { timeZone: 'Asia/Shanghai' });
  // 2026-11-30 is a Monday; 08:00 in Shanghai is 00:00Z.
  t.equal(at(morning, '2026-11-29T23:59:00Z'), false, 'a minute before');
  t.equal(at(morning, '2026-11-30T00:00:00Z'), true, 'at the start');
  t.equal(at(morning, '2026-11-30T01:59:00Z'), true, 'inside');
  t.equal(at(morning, '2026-11-30T02:00:00Z'), false, 'the end is exclusive');
  t.equal(at(morning, '2026-11-29T00:30:00Z'), false, 'Sunday has no window');
  const w = windowAt(morning, Date.parse('2026-11-30T01:00:00Z'));
  t.same(w, {
    ok: true,
    active: true,
    startMs: Date.parse('2026-11-30T00:00:00Z'),
    endMs: Date.parse('2026-11-30T02:00:00Z'),
  });
});

t.test('windows run across midnight, and across the end of the week', async (t) => {
  const night = rule('0 23 * * *', '2h');
  t.equal(at(night, '2026-06-02T00:30:00Z'), true);
  t.equal(at(night, '2026-06-02T01:00:00Z'), false);
  const friday = rule('0 23 * * 5', '3h');
  // 2026-06-05 is a Friday: Saturday 01:30 still belongs to Friday's window.
  t.equal(at(friday, '2026-06-06T01:30:00Z'), true);
  t.equal(at(friday, '2026-06-07T01:30:00Z'), false, 'not on Sunday');
});

t.test('a clock going forward: a skipped start fires after the gap, durations are real time', async (t) => {
  // Europe/Berlin moves from 02:00 CET to 03:00 CEST on 2026-03-29 (01:00Z).
  const skipped = rule('30 2 * * *', '1h', { timeZone: 'Europe/Berlin' });
  t.equal(at(skipped, '2026-03-29T01:30:00Z'), true, '02:30 does not exist: the window starts at 03:00 CEST');
  t.equal(at(skipped, '2026-03-29T02:00:00Z'), false, 'and lasts one real hour');
  const across = rule('0 1 * * *', '3h', { timeZone: 'Europe/Berlin' });
  // Starts at 01:00 CET (00:00Z), lasts three real hours: until 03:00Z, which is 05:00 CEST.
  t.equal(at(across, '2026-03-29T02:30:00Z'), true);
  t.equal(at(across, '2026-03-29T03:00:00Z'), false);
  t.equal(at(across, '2026-03-29T22:59:00Z'), false, 'the next day it starts at 01:00 CEST (23:00Z)');
  t.equal(at(across, '2026-03-29T23:00:00Z'), true);
});

t.test('a clock going back: a repeated start fires once, durations are real time', async (t) => {
  // Europe/Berlin moves from 03:00 CEST back to 02:00 CET on 2026-10-25 (01:00Z).
  const repeated = rule('30 2 * * *', '45m', { timeZone: 'Europe/Berlin' });
  t.equal(at(repeated, '2026-10-25T00:45:00Z'), true, 'the first 02:30 (CEST) starts it');
  t.equal(at(repeated, '2026-10-25T01:45:00Z'), false, 'the second 02:30 (CET) does not start another');
  const across = rule('0 1 * * *', '2h', { timeZone: 'Europe/Berlin' });
  // 01:00 CEST is 23:00Z the day before; two real hours end at 01:00Z (02:00 CET, second pass).
  t.equal(at(across, '2026-10-25T00:30:00Z'), true);
  t.equal(at(across, '2026-10-25T01:00:00Z'), false);
});

t.test('exclusion dates are calendar dates in the rule zone', async (t) => {
  const daily = rule('0 8 * * *', '2h', { excludeDates: ['2026-12-25'] });
  t.equal(at(daily, '2026-12-24T08:30:00Z'), true);
  t.equal(at(daily, '2026-12-25T08:30:00Z'), false, 'holiday');
  t.equal(at(daily, '2026-12-26T08:30:00Z'), true);
  const late = rule('0 23 * * *', '2h', { excludeDates: ['2026-12-25'] });
  t.equal(at(late, '2026-12-25T00:30:00Z'), false, 'no window is active on an excluded date');
  t.equal(at(late, '2026-12-26T00:30:00Z'), false, 'none that starts on one is used');
  t.equal(at(late, '2026-12-27T00:30:00Z'), true);
  const shanghai = rule('0 7 * * *', '1h', { timeZone: 'Asia/Shanghai', excludeDates: ['2026-12-25'] });
  t.equal(at(shanghai, '2026-12-24T23:30:00Z'), false, '07:30 on the 25th in Shanghai');
  t.equal(at(shanghai, '2026-12-25T23:30:00Z'), true, '07:30 on the 26th in Shanghai');
  t.equal(localDate(Date.parse('2026-12-24T23:30:00Z'), 'Asia/Shanghai'), '2026-12-25');
});

t.test('a bad cron or duration is an error, not a window', async (t) => {
  t.match(at(rule('0 8 * *', '1h'), '2026-06-01T08:00:00Z'), /cron: must have 5 fields/);
  t.match(at(rule('0 8 * * *', 'soon'), '2026-06-01T08:00:00Z'), /duration/);
});

t.test('day of month and day of week combine with OR, as in cron', async (t) => {
  // The 1st of the month or any Monday: 2026-07-01 is a Wednesday.
  const either = rule('0 8 1 * 1', '1h');
  t.equal(at(either, '2026-07-01T08:30:00Z'), true);
  t.equal(at(either, '2026-07-06T08:30:00Z'), true, 'Monday');
  t.equal(at(either, '2026-07-07T08:30:00Z'), false);
});
