// Schedule windows: a window starts at each time the cron matches in the rule's IANA time
// zone and lasts `duration` of real time, so a window starting at 23:00 for 2h ends at 01:00
// the next day, and one starting on the night a clock goes forward still lasts its full
// duration. A start time that a spring-forward skips fires at the first minute after the gap;
// one that a fall-back repeats fires once (croner's handling). Dates listed in excludeDates
// (the zone's calendar date) have no window: none that starts on one is used, and none is
// active at a moment whose date is excluded. Pure: the time is an argument.

import { parseCron } from '../../../../common/apis/cron.ts';
import type { ScheduleRule } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import { parseDuration } from '../../../../common/duration.ts';

export type WindowState =
  | { ok: true; active: true; startMs: number; endMs: number }
  | { ok: true; active: false }
  | { ok: false; error: string };

/** Upper bound on window starts looked at backwards (every minute across the longest window). */
const MAX_STARTS = 7 * 24 * 60 + 1;

/** Date formatters by zone: building one costs far more than using it. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's calendar date of an instant, as YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(ms);
}

/** Parsed crons by zone and expression: 10,000 policies per period must not re-parse each. */
const parsedCache = new Map<string, ReturnType<typeof parseCron>>();
const CACHE_LIMIT = 10_000;

function cached(expression: string, timeZone: string): ReturnType<typeof parseCron> {
  const key = `${timeZone} ${expression}`;
  let parsed = parsedCache.get(key);
  if (parsed === undefined) {
    if (parsedCache.size >= CACHE_LIMIT) parsedCache.clear();
    parsed = parseCron(expression, timeZone);
    parsedCache.set(key, parsed);
  }
  return parsed;
}

/** Window states by rule, valid from `fromMs` until `untilMs`: the state only changes at a start or an end. */
const stateCache = new Map<string, { fromMs: number; untilMs: number; state: WindowState }>();

export function windowAt(rule: ScheduleRule, nowMs: number): WindowState {
  const key = `${rule.timeZone ?? 'UTC'} ${rule.cron} ${rule.duration} ${(rule.excludeDates ?? []).join(',')}`;
  const hit = stateCache.get(key);
  if (hit && hit.fromMs <= nowMs && nowMs < hit.untilMs) return hit.state;
  const computed = computeWindow(rule, nowMs);
  if (stateCache.size >= CACHE_LIMIT) stateCache.clear();
  stateCache.set(key, { fromMs: nowMs, ...computed });
  return computed.state;
}

function computeWindow(rule: ScheduleRule, nowMs: number): { untilMs: number; state: WindowState } {
  const timeZone = rule.timeZone ?? 'UTC';
  const parsed = cached(rule.cron, timeZone);
  if (!parsed.ok)
    return { untilMs: Number.POSITIVE_INFINITY, state: { ok: false, error: `cron: ${parsed.error}` } };
  const seconds = parseDuration(rule.duration);
  if (seconds === undefined || seconds <= 0) {
    return {
      untilMs: Number.POSITIVE_INFINITY,
      state: { ok: false, error: `duration: "${rule.duration}" is invalid` },
    };
  }
  const durationMs = seconds * 1000;
  const excluded = new Set(rule.excludeDates ?? []);
  const isExcluded = (ms: number) => excluded.size > 0 && excluded.has(localDate(ms, timeZone));
  // Starts are whole minutes; the next one after now bounds how long "inactive" holds.
  const next = parsed.cron.nextRun(new Date(nowMs))?.getTime() ?? Number.POSITIVE_INFINITY;
  // An excluded date may end at any midnight: hold a state built on exclusions for a minute only.
  const untilIfExcluded = (until: number) => (excluded.size > 0 ? Math.min(until, nowMs + 60_000) : until);
  if (isExcluded(nowMs)) return { untilMs: untilIfExcluded(next), state: { ok: true, active: false } };
  // A window covers now if one started in (now − duration, now]: walk the starts forward from there.
  let from = new Date(nowMs - durationMs);
  for (let i = 0; i < MAX_STARTS; i++) {
    const start = parsed.cron.nextRun(from);
    if (start === null || start.getTime() > nowMs) break;
    const startMs = start.getTime();
    if (!isExcluded(startMs)) {
      return {
        untilMs: untilIfExcluded(Math.min(startMs + durationMs, next)),
        state: { ok: true, active: true, startMs, endMs: startMs + durationMs },
      };
    }
    from = start;
  }
  return { untilMs: untilIfExcluded(next), state: { ok: true, active: false } };
}
