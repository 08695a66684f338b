// Cron expressions, parsed by one library (croner) for both the API's validation and the
// scaling controller's schedule windows, so what admission accepts is exactly what runs.
// Five fields (minute hour day-of-month month day-of-week) or a macro (@daily, …); day of
// month and day of week combine with OR, as in Vixie cron and Kubernetes CronJobs.
// Nothing here reads the clock.

import { Cron } from 'croner';

export type CronParse = { ok: true; cron: Cron } | { ok: false; error: string };

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

const RANGES: Record<string, { name: string; bounds: string }> = {
  minute: { name: 'minute', bounds: '0-59' },
  hour: { name: 'hour', bounds: '0-23' },
  day: { name: 'day of month', bounds: '1-31' },
  month: { name: 'month', bounds: '1-12' },
  dayOfWeek: { name: 'day of week', bounds: '0-7' },
};

/** A schedule of window starts in `timeZone` (an IANA name), or why the expression is invalid. */
export function parseCron(expression: string, timeZone = 'UTC'): CronParse {
  const text = expression.trim();
  if (/^(TZ|CRON_TZ)=/.test(text)) {
    return { ok: false, error: 'must not set a time zone inside the expression: use timeZone' };
  }
  if (!MACROS.has(text)) {
    const fields = text === '' ? 0 : text.split(/\s+/).length;
    if (fields !== 5) {
      return {
        ok: false,
        error: `must have 5 fields (minute hour day-of-month month day-of-week), found ${fields}`,
      };
    }
  }
  try {
    // '@midnight' is Vixie cron's name for '@daily'.
    const pattern = text === '@midnight' ? '@daily' : text;
    const cron = new Cron(pattern, { timezone: timeZone, mode: '5-part', paused: true, domAndDow: false });
    return { ok: true, cron };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '');
    // The library reports some fields zero-based ("month: 12" for 13); name the ranges instead.
    const field = /^Invalid value for (\w+)/.exec(message)?.[1];
    const range = field === undefined ? undefined : RANGES[field];
    return { ok: false, error: range ? `${range.name} is out of range ${range.bounds}` : message };
  }
}

/** Problems of a cron expression (empty when valid), for the schema's `format: cron`. */
export function cronProblems(expression: string): string[] {
  const parsed = parseCron(expression);
  if (!parsed.ok) return [parsed.error];
  // A pattern that parses but never fires (e.g. 30 February) is a mistake, not a schedule.
  if (parsed.cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return ['never fires'];
  return [];
}
