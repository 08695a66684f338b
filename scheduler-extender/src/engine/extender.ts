// The extender's two verbs over the node cache: filter (predicates in learned order,
// short-circuit or exhaustive, then reservations on the nodes that passed) and prioritize
// (combined scores). Synchronous and free of HTTP; metrics are recorded here once per call.

import { isIndifferent, podDemand } from '../../../common/nodes/demand.ts';
import type { NodeCache } from '../cache/node-cache.ts';
import type { ExtenderMetrics } from '../ops/metrics.ts';
import { PREDICATES } from '../predicates/index.ts';
import type { Predicate } from '../predicates/predicate.ts';
import { combinedScore } from '../scores/index.ts';
import type { ScoreContext } from '../scores/score.ts';
import type { ParsedArgs } from '../wire/args.ts';
import { type FilterOutcome, filterNodes, type Mode } from './evaluate.ts';
import { orderPredicates, type PredicateCounts } from './order.ts';

export interface ExtenderOptions {
  mode: Mode;
  maxCoreServices: number;
  predicates?: readonly Predicate[];
}

export class Extender {
  readonly cache: NodeCache;
  readonly #options: ExtenderOptions;
  readonly #metrics: ExtenderMetrics | undefined;
  readonly #predicates: readonly Predicate[];
  readonly #seen = new Map<string, PredicateCounts>();

  constructor(cache: NodeCache, options: ExtenderOptions, metrics?: ExtenderMetrics) {
    this.cache = cache;
    this.#options = options;
    this.#metrics = metrics;
    this.#predicates = options.predicates ?? PREDICATES;
  }

  /** The predicate order the next filter call will use. */
  order(): Predicate[] {
    return orderPredicates(this.#predicates, this.#seen);
  }

  filter(args: ParsedArgs, mode: Mode = this.#options.mode): FilterOutcome {
    this.cache.expireReservations();
    const demand = podDemand(args.pod);
    const uid = demand.uid;
    const outcome = filterNodes(
      demand,
      args.nodeNames,
      (name) => this.cache.view(name, uid),
      this.order(),
      mode,
    );
    for (const [name, c] of outcome.counts) {
      const total = this.#seen.get(name) ?? { evaluations: 0, failures: 0 };
      total.evaluations += c.evaluations;
      total.failures += c.failures;
      this.#seen.set(name, total);
      this.#metrics?.predicateEvaluations.inc({ predicate: name }, c.evaluations);
      this.#metrics?.predicateFailures.inc({ predicate: name }, c.failures);
    }
    if (!isIndifferent(demand)) this.cache.reserve(demand, outcome.passed);
    const m = this.#metrics;
    if (m) {
      m.nodesFiltered.inc({ result: 'passed' }, outcome.passed.length);
      m.nodesFiltered.inc({ result: 'failed' }, outcome.failed.size);
      m.nodesFiltered.inc({ result: 'unresolvable' }, outcome.unresolvable.size);
    }
    return outcome;
  }

  prioritize(args: ParsedArgs): Map<string, number> {
    this.cache.expireReservations();
    const demand = podDemand(args.pod);
    const scores = new Map<string, number>();
    const ctx: ScoreContext = { maxCoreServices: this.#options.maxCoreServices };
    for (const name of args.nodeNames) {
      const view = this.cache.view(name, demand.uid);
      scores.set(name, view === undefined ? 0 : combinedScore(demand, view, ctx));
    }
    return scores;
  }
}
