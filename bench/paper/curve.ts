// What the paper bench makes of what it saw: the replica curve's steps, each matched with the
// scaling decision that made it, and the latencies from load start. Pure: samples and
// decisions in, numbers out; times are milliseconds since the epoch.

export interface Sample {
  atMs: number;
  /** spec.replicas of the ProjectService: the count the scaling controller wrote. */
  replicas: number;
  /** status.readyReplicas. */
  ready: number;
  /** Ready addresses in the Service's EndpointSlices: what the load can reach. */
  endpoints: number;
  /** The CPU rule's utilisation (% of the request) in the policy's last decision. */
  utilization?: number;
}

export interface DecisionRecord {
  id: string;
  time: string;
  from: number;
  to: number;
  reason?: string;
  rules?: Array<{ name: string; value?: number; desiredReplicas?: number }>;
  clamps?: Array<{ kind: string; from: number; to: number }>;
}

export interface Step {
  /** Seconds from load start when the sampler first saw the new count. */
  atS: number;
  from: number;
  to: number;
  /** The decision that wrote it; absent when none in the policy's history matches. */
  decision?: string;
}

export interface CurveSummary {
  initialReplicas: number;
  peakReplicas: number;
  finalReplicas: number;
  /** Load start → first count above the initial one written on the ProjectService. */
  scaleOutWrittenS?: number;
  /** Load start → a replica more than the initial ones Ready. */
  scaleOutReadyS?: number;
  /** Load start → a new replica's address ready in the EndpointSlices. */
  scaleOutEndpointS?: number;
  /** Load end → the count back at the initial one. */
  scaleInAfterLoadS?: number;
  steps: Step[];
  /** Steps with no matching decision (should be none). */
  unexplained: Step[];
}

const seconds = (ms: number) => Math.round(ms) / 1000;

/** The first sample at or after `fromMs` that passes `test`, as seconds after `fromMs`. */
function firstAfter(
  samples: readonly Sample[],
  fromMs: number,
  test: (s: Sample) => boolean,
): number | undefined {
  const hit = samples.find((s) => s.atMs >= fromMs && test(s));
  return hit ? seconds(hit.atMs - fromMs) : undefined;
}

/**
 * The steps of spec.replicas over the samples, each matched with a decision from → to (the
 * earliest not yet used, so a count visited twice needs two decisions).
 */
export function replicaSteps(
  samples: readonly Sample[],
  decisions: readonly DecisionRecord[],
  loadStartMs: number,
): Step[] {
  const moves = [...decisions]
    .filter((d) => d.from !== d.to)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id.localeCompare(b.id));
  const used = new Set<string>();
  const steps: Step[] = [];
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 1] as Sample;
    const now = samples[i] as Sample;
    if (now.replicas === before.replicas) continue;
    const match = moves.find((d) => !used.has(d.id) && d.from === before.replicas && d.to === now.replicas);
    if (match) used.add(match.id);
    steps.push({
      atS: seconds(now.atMs - loadStartMs),
      from: before.replicas,
      to: now.replicas,
      ...(match ? { decision: match.id } : {}),
    });
  }
  return steps;
}

export function summarizeCurve(
  samples: readonly Sample[],
  decisions: readonly DecisionRecord[],
  loadStartMs: number,
  loadEndMs: number,
): CurveSummary {
  const initial = [...samples].reverse().find((s) => s.atMs < loadStartMs) ?? samples[0];
  if (!initial) throw new Error('no samples: nothing was observed');
  const steps = replicaSteps(samples, decisions, loadStartMs);
  const scaleOutWrittenS = firstAfter(samples, loadStartMs, (s) => s.replicas > initial.replicas);
  const scaleOutReadyS = firstAfter(samples, loadStartMs, (s) => s.ready > initial.ready);
  const scaleOutEndpointS = firstAfter(samples, loadStartMs, (s) => s.endpoints > initial.endpoints);
  const scaleInAfterLoadS = firstAfter(samples, loadEndMs, (s) => s.replicas <= initial.replicas);
  return {
    initialReplicas: initial.replicas,
    peakReplicas: Math.max(...samples.map((s) => s.replicas)),
    finalReplicas: (samples.at(-1) as Sample).replicas,
    ...(scaleOutWrittenS === undefined ? {} : { scaleOutWrittenS }),
    ...(scaleOutReadyS === undefined ? {} : { scaleOutReadyS }),
    ...(scaleOutEndpointS === undefined ? {} : { scaleOutEndpointS }),
    ...(scaleInAfterLoadS === undefined ? {} : { scaleInAfterLoadS }),
    steps,
    unexplained: steps.filter((s) => s.decision === undefined),
  };
}
