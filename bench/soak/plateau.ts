// Whether a memory curve has levelled off: the least-squares slope of its last half, in MiB
// per minute. The first half holds the warm-up (V8 growing its heap to the working set, the
// watch cache filling), so only the second half can show a plateau — or a leak, which is a
// steady climb however slow. Pure.

export interface Point {
  atS: number;
  mib: number;
}

/** Least-squares slope of `points` in MiB per minute; NaN with fewer than two distinct times. */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanT = points.reduce((s, p) => s + p.atS, 0) / n;
  const meanM = points.reduce((s, p) => s + p.mib, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atS - meanT) * (p.mib - meanM);
    den += (p.atS - meanT) ** 2;
  }
  return den === 0 ? Number.NaN : (num / den) * 60;
}

/** The points of the second half of the run (by time, not by count). */
export function lastHalf(points: readonly Point[]): Point[] {
  if (points.length === 0) return [];
  const first = (points[0] as Point).atS;
  const last = (points[points.length - 1] as Point).atS;
  const middle = (first + last) / 2;
  return points.filter((p) => p.atS >= middle);
}

export interface Plateau {
  /** Slope of the last half, MiB/min, rounded to 0.01. */
  slopeMiBPerMin: number;
  /** The slope the verdict allows. */
  limitMiBPerMin: number;
  /** False also when there are too few points to tell. */
  flat: boolean;
}

/** The verdict on one curve: its last half climbs no faster than `limitMiBPerMin`. */
export function plateau(points: readonly Point[], limitMiBPerMin: number): Plateau {
  const slope = slopePerMinute(lastHalf(points));
  return {
    slopeMiBPerMin: Number.isNaN(slope) ? slope : Math.round(slope * 100) / 100,
    limitMiBPerMin,
    flat: !Number.isNaN(slope) && slope <= limitMiBPerMin,
  };
}
