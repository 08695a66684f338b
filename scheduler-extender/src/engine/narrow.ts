// Single-round-trip mode: the filter also does the prioritize call's job by keeping only the
// nodes that would have scored best, so kube-scheduler (configured with a filter verb and no
// prioritize verb) makes one HTTP call per scheduling cycle instead of two. The scheduler's
// own scores then choose among the kept nodes. Pure.

/** Why a passing node was left out: it fits, a better-scored node was preferred. */
export const NARROWED_REASON = 'kubehpc: fits, but another node scores better for this pod';

/** The names with the highest score (every tie kept, never none of a non-empty list). */
export function bestScored(
  names: readonly string[],
  score: (name: string) => number,
): { kept: string[]; dropped: string[] } {
  let best = Number.NEGATIVE_INFINITY;
  const scored = names.map((name) => {
    const s = score(name);
    if (s > best) best = s;
    return [name, s] as const;
  });
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const [name, s] of scored) (s === best ? kept : dropped).push(name);
  return { kept, dropped };
}
