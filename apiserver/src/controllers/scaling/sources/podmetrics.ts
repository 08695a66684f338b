// metrics.k8s.io PodMetrics turned into usage samples per pod: the containers' usage summed
// (cores for cpu, bytes for memory), with the sample's timestamp and window. A pod whose
// entry is malformed is left out (counted as "without metrics"), never guessed.

import { parseDuration } from '../../../../../common/duration.ts';
import { parseQuantity } from '../../../../../common/quantity.ts';
import type { UsageSample } from '../observations.ts';

interface PodMetricsLike {
  metadata?: { name?: string };
  timestamp?: string;
  window?: string;
  containers?: Array<{ name?: string; usage?: Record<string, string> }>;
}

export function usageSamples(list: unknown, resource: 'cpu' | 'memory'): Map<string, UsageSample> {
  const out = new Map<string, UsageSample>();
  const items = (list as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return out;
  for (const item of items as PodMetricsLike[]) {
    const name = item?.metadata?.name;
    const timestampMs = Date.parse(item?.timestamp ?? '');
    const windowSeconds = parseDuration(item?.window ?? '');
    if (
      !name ||
      Number.isNaN(timestampMs) ||
      windowSeconds === undefined ||
      !Array.isArray(item.containers)
    ) {
      continue;
    }
    let value = 0;
    let complete = item.containers.length > 0;
    for (const c of item.containers) {
      const text = c?.usage?.[resource];
      try {
        if (text === undefined) throw new Error('missing');
        value += parseQuantity(text);
      } catch {
        complete = false;
      }
    }
    if (complete) out.set(name, { value, timestampMs, windowMs: windowSeconds * 1000 });
  }
  return out;
}
