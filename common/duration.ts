// Go-style durations ("90s", "1h30m", "250ms"), the form Kubernetes users write in specs and
// flags, parsed in one place. Pure.

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;
// `ms` before `m`, so "250ms" is never read as 250 minutes and an "s".
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const SECONDS_PER_UNIT = new Map([
  ['h', 3600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
]);

/** Seconds of a duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    seconds += Number(amount) * (SECONDS_PER_UNIT.get(unit as string) as number);
  }
  return seconds;
}
