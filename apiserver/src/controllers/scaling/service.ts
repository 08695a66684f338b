// Several policies on one service, and the record of what was decided. Each policy decides
// with its own rules, bounds and behaviour; the Auto policies not paused entirely take part,
// and among those with the highest precedence the largest result sets the count (scale up
// more, scale down less — a policy says otherwise by a higher precedence). Recommend policies
// and policies paused All decide and record but never set the count; with no policy taking
// part the count is held. Every policy's status gets the same decision id and its own view.
// Pure: the id and the time are arguments.

import type { ScalingDecision } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import { decidePolicy, type PolicyInput, type PolicyOutcome } from './policy.ts';

export interface ServiceDecision {
  id: string;
  from: number;
  to: number;
  /** Whether the count should be written (some policy takes part and it differs from `from`). */
  actuate: boolean;
  winner?: { policy: string; rule?: string };
  outcomes: PolicyOutcome[];
  /** The record for each policy's status, by policy name, in input order. */
  records: Map<string, ScalingDecision>;
}

function takesPart(input: PolicyInput): boolean {
  return (input.spec.mode ?? 'Auto') === 'Auto' && (input.spec.paused ?? 'None') !== 'All';
}

function describe(outcome: PolicyOutcome, input: PolicyInput): string {
  const parts: string[] = [];
  if (outcome.held) parts.push('every metric source failed: holding the count');
  else if (outcome.winnerRule !== undefined && outcome.clamps.every((c) => c.kind !== 'ScheduleFloor')) {
    parts.push(`rule ${outcome.winnerRule} proposed ${outcome.proposal}`);
  } else if (input.spec.rules.some((r) => !r.schedule)) {
    parts.push(`rules combined (${input.spec.combine ?? 'Max'}) to ${outcome.proposal}`);
  } else parts.push(`no metric rules: base ${outcome.proposal}`);
  for (const c of outcome.clamps) parts.push(`${c.kind} ${c.from}→${c.to}`);
  for (const f of outcome.failures) parts.push(`rule ${f.rule} failed: ${f.error}`);
  return parts.join('; ');
}

export function decideService(
  inputs: readonly PolicyInput[],
  current: number,
  nowMs: number,
  id: string,
): ServiceDecision {
  const outcomes = inputs.map((input) => decidePolicy(input, current, nowMs));
  const part = inputs.map(takesPart);
  let precedence = Number.NEGATIVE_INFINITY;
  for (const [i, input] of inputs.entries()) {
    if (part[i]) precedence = Math.max(precedence, input.spec.precedence ?? 0);
  }
  let winner: PolicyOutcome | undefined;
  for (const [i, outcome] of outcomes.entries()) {
    if (!part[i] || ((inputs[i] as PolicyInput).spec.precedence ?? 0) !== precedence) continue;
    if (winner === undefined || outcome.result > winner.result) winner = outcome;
  }
  const to = winner?.result ?? current;
  const actuate = winner !== undefined && to !== current;
  const time = new Date(nowMs).toISOString();
  const records = new Map<string, ScalingDecision>();
  for (const [i, outcome] of outcomes.entries()) {
    const input = inputs[i] as PolicyInput;
    let reason = describe(outcome, input);
    if (!part[i]) {
      reason +=
        (input.spec.mode ?? 'Auto') === 'Recommend'
          ? `; Recommend mode: recommends ${outcome.result}, not applied`
          : '; paused: All, not applied';
    } else if (winner && winner !== outcome) {
      reason += `; this policy proposes ${outcome.result}, policy ${winner.name} set the count`;
    }
    reason += `: ${current} → ${part[i] ? to : current}`;
    records.set(outcome.name, {
      id,
      time,
      from: current,
      to: part[i] ? to : outcome.result,
      reason,
      rules: outcome.rules,
      proposal: outcome.proposal,
      ...(winner
        ? { winner: { policy: winner.name, ...(winner.winnerRule ? { rule: winner.winnerRule } : {}) } }
        : {}),
      clamps: outcome.clamps,
      actuated: part[i] === true && actuate,
    });
  }
  return {
    id,
    from: current,
    to,
    actuate,
    ...(winner
      ? { winner: { policy: winner.name, ...(winner.winnerRule ? { rule: winner.winnerRule } : {}) } }
      : {}),
    outcomes,
    records,
  };
}
