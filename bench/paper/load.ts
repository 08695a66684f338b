// The paper's load: `total` requests at `concurrency` connections, spread over the replicas'
// pod addresses. It runs in rounds of a few seconds: each round re-reads the ready addresses
// from the EndpointSlices, so replicas that became ready take their share from the next round
// on, and runs one ab per address at its share of the connections, all at once. A round ends
// at its time limit with requests still in flight: ab drops them and they are not counted, but
// the replicas still spent CPU on them — with one saturated replica (~5 s queues) that is a
// large share, so rounds are long (10 s) against the queueing delay at full scale (< 1 s).

import { setTimeout as delay } from 'node:timers/promises';
import { abArgs, portalUrl, runAb, splitLoad } from './ab.ts';

export interface Round {
  /** Seconds from load start. */
  atS: number;
  seconds: number;
  addresses: number;
  complete: number;
  errors: number;
  requestsPerSecond: number;
  /** Why an ab process gave up before its report, if one did. */
  aborted?: string[];
}

export interface LoadOptions {
  total: number;
  concurrency: number;
  roundSeconds: number;
  requestTimeoutSeconds: number;
  port: number;
  path: string;
  /** The load stops here even if requests remain (a stuck service must not hang the bench). */
  deadlineMs: number;
  addresses: () => Promise<string[]>;
  onRound: (round: Round) => void;
}

export interface LoadResult {
  startMs: number;
  endMs: number;
  complete: number;
  errors: number;
  rounds: Round[];
  /** True when the deadline cut the load short. */
  timedOut: boolean;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const startMs = Date.now();
  const rounds: Round[] = [];
  let complete = 0;
  let errors = 0;
  while (complete < o.total && Date.now() < o.deadlineMs) {
    const shares = splitLoad(await o.addresses(), o.concurrency, o.total - complete);
    if (shares.length === 0) {
      // No ready replica to send to (a restart): look again shortly.
      await delay(500);
      continue;
    }
    const began = Date.now();
    const outcomes = await Promise.all(
      shares.map((s) =>
        runAb(abArgs(s, portalUrl(s.address, o.port, o.path), o.roundSeconds, o.requestTimeoutSeconds)),
      ),
    );
    const seconds = (Date.now() - began) / 1000;
    const round: Round = {
      atS: (began - startMs) / 1000,
      seconds,
      addresses: shares.length,
      complete: outcomes.reduce((n, r) => n + r.complete, 0),
      errors: outcomes.reduce((n, r) => n + r.errors, 0),
      requestsPerSecond: 0,
    };
    round.requestsPerSecond = Math.round(round.complete / Math.max(seconds, 0.001));
    const aborted = outcomes.flatMap((r) => (r.aborted ? [r.aborted] : []));
    if (aborted.length > 0) round.aborted = aborted;
    complete += round.complete;
    errors += round.errors;
    rounds.push(round);
    o.onRound(round);
    // Every connection refused at once (a replica going away): do not spin.
    if (round.complete === 0 && seconds < 0.5) await delay(500);
  }
  return { startMs, endMs: Date.now(), complete, errors, rounds, timedOut: complete < o.total };
}
