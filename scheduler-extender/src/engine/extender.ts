// The extender's two verbs over the node cache: filter (predicates in learned order,
// short-circuit or exhaustive, remembered per pod shape and node generation in the
// equivalence cache, then reservations on the nodes that passed) and prioritize (combined
// scores), or both in one call (single-round-trip mode: narrow.ts). Prioritize scores the pod
// just filtered on the node views its filter read, for every node that has not changed since.
// Synchronous and free of HTTP; metrics are recorded here once per call.

import { isIndifferent, type PodDemand, podDemand } from '../../../common/nodes/demand.ts';
import type { NodeView } from '../../../common/nodes/node-view.ts';
import { EquivalenceCache, shapeKey } from '../cache/equivalence.ts';
import type { NodeCache } from '../cache/node-cache.ts';
import type { ExtenderMetrics } from '../ops/metrics.ts';
import { PREDICATES } from '../predicates/index.ts';
import type { Predicate } from '../predicates/predicate.ts';
import { combinedScore } from '../scores/index.ts';
import type { ScoreContext } from '../scores/score.ts';
import type { ParsedArgs } from '../wire/args.ts';
import { type FilterOutcome, filterNodes, type Mode, type VerdictMemo } from './evaluate.ts';
import { bestScored, NARROWED_REASON } from './narrow.ts';
import { orderPredicates, type PredicateCounts } from './order.ts';

export interface ExtenderOptions {
  mode: Mode;
  maxCoreServices: number;
  predicates?: readonly Predicate[];
  /** Pod shapes whose verdicts are remembered (0: no equivalence cache). Default 64. */
  equivalenceShapes?: number;
}

export class Extender {
  readonly cache: NodeCache;
  readonly #options: ExtenderOptions;
  readonly #metrics: ExtenderMetrics | undefined;
  readonly #predicates: readonly Predicate[];
  readonly #seen = new Map<string, PredicateCounts>();
  readonly equivalence: EquivalenceCache | undefined;
  /** kube-scheduler asks for scores right after filtering the same pod: see prioritize. */
  #lastViews: { uid: string; views: Map<string, { generation: number; view: NodeView }> } | undefined;

  constructor(cache: NodeCache, options: ExtenderOptions, metrics?: ExtenderMetrics) {
    this.cache = cache;
    this.#options = options;
    this.#metrics = metrics;
    this.#predicates = options.predicates ?? PREDICATES;
    const shapes = options.equivalenceShapes ?? 64;
    this.equivalence = shapes > 0 ? new EquivalenceCache(shapes) : undefined;
  }

  /** The predicate order the next filter call will use. */
  order(): Predicate[] {
    return orderPredicates(this.#predicates, this.#seen);
  }

  /**
   * Filters the nodes; with `narrow` (single-round-trip mode, narrow.ts) keeps only the
   * passing nodes that prioritize would score best, the others failing with NARROWED_REASON.
   */
  filter(args: ParsedArgs, mode: Mode = this.#options.mode, narrow = false): FilterOutcome {
    this.cache.expireReservations();
    const demand = podDemand(args.pod);
    const uid = demand.uid;
    const order = this.order();
    const outcome = filterNodes(
      demand,
      args.nodeNames,
      (name) => this.cache.view(name, uid),
      order,
      mode,
      this.#memo(demand, mode, order),
    );
    for (const [name, c] of outcome.counts) {
      const total = this.#seen.get(name) ?? { evaluations: 0, failures: 0 };
      total.evaluations += c.evaluations;
      total.failures += c.failures;
      this.#seen.set(name, total);
      this.#metrics?.predicateEvaluations.inc({ predicate: name }, c.evaluations);
      this.#metrics?.predicateFailures.inc({ predicate: name }, c.failures);
    }
    // kube-scheduler asks for scores only when more than one node is left. The views just read
    // for the filter are what scoring reads too: kept for the prioritize call that follows.
    const views =
      outcome.passed.length > 1 && !narrow
        ? outcome.passed.map((name) => this.cache.view(name, uid))
        : undefined;
    if (narrow && outcome.passed.length > 1) {
      const scores = this.#scores(demand, outcome.passed);
      const { kept, dropped } = bestScored(outcome.passed, (name) => scores.get(name) ?? 0);
      outcome.passed = kept;
      for (const name of dropped) outcome.failed.set(name, NARROWED_REASON);
      this.#metrics?.nodesNarrowed.inc(dropped.length);
    }
    if (!isIndifferent(demand)) this.cache.reserve(demand, outcome.passed);
    if (views !== undefined) this.#remember(uid, outcome.passed, views);
    const m = this.#metrics;
    if (m) {
      m.nodesFiltered.inc({ result: 'passed' }, outcome.passed.length);
      m.nodesFiltered.inc({ result: 'failed' }, outcome.failed.size);
      m.nodesFiltered.inc({ result: 'unresolvable' }, outcome.unresolvable.size);
      if (this.equivalence !== undefined && outcome.counts.size > 0) {
        m.equivalenceNodes.inc({ result: 'hit' }, outcome.remembered);
        m.equivalenceNodes.inc({ result: 'miss' }, args.nodeNames.length - outcome.remembered);
      }
    }
    return outcome;
  }

  /**
   * The equivalence cache for this pod's shape. A node the pod itself holds capacity on is
   * seen net of that hold, unlike by any other pod: its verdict is neither used nor kept.
   */
  #memo(demand: PodDemand, mode: Mode, order: readonly Predicate[]): VerdictMemo | undefined {
    if (this.equivalence === undefined || demand.problems.length > 0) return undefined;
    const verdicts = this.equivalence.shape(shapeKey(demand, mode, order));
    const { cache } = this;
    const own = (name: string) => cache.reservations.own(demand.uid, name) !== undefined;
    return {
      get: (name) => (own(name) ? undefined : verdicts.get(name, cache.generation(name))),
      set: (name, verdict) => {
        if (!own(name)) verdicts.set(name, cache.generation(name), verdict);
      },
    };
  }

  prioritize(args: ParsedArgs): Map<string, number> {
    this.cache.expireReservations();
    const demand = podDemand(args.pod);
    const last = this.#lastViews;
    if (last === undefined || last.uid !== demand.uid) return this.#scores(demand, args.nodeNames);
    // Scored on the views the filter read for this pod, for every node nothing has changed on
    // since (the pod's own hold does not count: it never competes with itself).
    const scores = new Map<string, number>();
    const ctx = this.#scoreContext();
    let reused = 0;
    for (const name of args.nodeNames) {
      const known = last.views.get(name);
      if (known !== undefined && known.generation === this.cache.generation(name)) {
        scores.set(name, combinedScore(demand, known.view, ctx));
        reused++;
      } else scores.set(name, this.#score(demand, name, ctx));
    }
    this.#metrics?.viewsReused.inc(reused);
    return scores;
  }

  /** The last filtered pod's views of its passing nodes, at each node's generation after its holds. */
  #remember(uid: string, names: readonly string[], views: ReadonlyArray<NodeView | undefined>): void {
    const kept = new Map<string, { generation: number; view: NodeView }>();
    for (const [i, name] of names.entries()) {
      const view = views[i];
      if (view !== undefined) kept.set(name, { generation: this.cache.generation(name), view });
    }
    this.#lastViews = { uid, views: kept };
  }

  #scores(demand: PodDemand, names: readonly string[]): Map<string, number> {
    const scores = new Map<string, number>();
    const ctx = this.#scoreContext();
    for (const name of names) scores.set(name, this.#score(demand, name, ctx));
    return scores;
  }

  #scoreContext(): ScoreContext {
    return { maxCoreServices: this.#options.maxCoreServices };
  }

  #score(demand: PodDemand, name: string, ctx: ScoreContext): number {
    const view = this.cache.view(name, demand.uid);
    return view === undefined ? 0 : combinedScore(demand, view, ctx);
  }
}
