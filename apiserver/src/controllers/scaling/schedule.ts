// Schedule windows: a window starts at each time the cron matches in the rule's IANA time
// zone and lasts `duration` of real time, so a window starting at 23:00 for 2h ends at 01:00
// the next day, and one starting on the night a clock goes forward still lasts its full
// duration. A start time that a spring-forward skips fires at the first minute after the gap;
// one that a fall-back repeats fires once (croner's handling). Dates listed in excludeDates
// (the zone's calendar date) have no window: none that starts on one is used, and none is
// active at a moment whose date is excluded. Pure: the time is an argument.

import { parseCron } from '../../apis/cron.ts';
import { parseDuration } from '../../apis/formats.ts';
import type { ScheduleRule } from '../../apis/scaling/v1alpha1/types.ts';

export type WindowState =
  | { ok: true; active: true; startMs: number; endMs: number }
  | { ok: true; active: false }
  | { ok: false; error: string };

/** Upper bound on window starts looked at backwards (every minute across the longest window). */
const MAX_STARTS = 7 * 24 * 60 + 1;

/** The zone's calendar date of an instant, as YYYY-MM-DD. */
export function localDate(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
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

export function windowAt(rule: ScheduleRule, nowMs: number): WindowState {
  const timeZone = rule.timeZone ?? 'UTC';
  const parsed = cached(rule.cron, timeZone);
  if (!parsed.ok) return { ok: false, error: `cron: ${parsed.error}` };
  const seconds = parseDuration(rule.duration);
  if (seconds === undefined || seconds <= 0)
    return { ok: false, error: `duration: "${rule.duration}" is invalid` };
  const durationMs = seconds * 1000;
  const excluded = new Set(rule.excludeDates ?? []);
  if (excluded.has(localDate(nowMs, timeZone))) return { ok: true, active: false };
  // previousRuns returns starts strictly before its reference: look from just after now.
  let reference = new Date(nowMs + 1000);
  for (let i = 0; i < MAX_STARTS; i++) {
    const [start] = parsed.cron.previousRuns(1, reference);
    if (start === undefined) break;
    const startMs = start.getTime();
    if (startMs + durationMs <= nowMs) break;
    if (startMs <= nowMs && !excluded.has(localDate(startMs, timeZone))) {
      return { ok: true, active: true, startMs, endMs: startMs + durationMs };
    }
    reference = start;
  }
  return { ok: true, active: false };
}
