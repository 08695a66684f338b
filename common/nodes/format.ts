// Human-readable amounts for failure reasons: what `kubectl describe pod` shows a user.

import { formatBytes } from '../quantity.ts';

const UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'] as const;

/**
 * Bytes in the largest binary unit that divides them (`1536Gi`, as users write requests);
 * otherwise the largest unit that keeps at least 1, with one decimal (`1.2Gi`).
 */
export function bytes(value: number): string {
  // Reasons are built for thousands of nodes per call, mostly from the same few capacities.
  let text = memo.get(value);
  if (text === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    text = formatUncached(value);
    memo.set(value, text);
  }
  return text;
}

const MEMO_LIMIT = 4096;
const memo = new Map<number, string>();

function formatUncached(value: number): string {
  const exact = formatBytes(value);
  if (exact !== String(value) || value < 1024) return exact;
  let v = value;
  let unit = '';
  for (const u of UNITS) {
    if (Math.abs(v) < 1024) break;
    v /= 1024;
    unit = u;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`;
}

/** CPUs as cores, with millicore precision when fractional. */
export function cpus(value: number): string {
  return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
}
