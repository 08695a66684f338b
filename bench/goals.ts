// Issue 16's table, read from the suites' JSON results: each row what was measured, the
// number this run got, the goal, and whether it is met. `npm run bench` prints it after the
// suites it ran (rows of suites that did not run say so); `node bench/goals.ts` prints it from
// the results on disk. The goals are written here once.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;

interface Goal {
  what: string;
  suite: string;
  /** The number from the suite's results, or undefined when that part did not run. */
  value: (results: Json) => number | undefined;
  unit: string;
  goal: string;
  met: (value: number) => boolean;
}

/** A number at a dotted path (array elements by index), or undefined. */
function at(results: Json, path: string): number | undefined {
  let here: unknown = results;
  for (const step of path.split('.')) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, step)) return undefined;
    here = (here as Record<string, unknown>)[step];
  }
  return typeof here === 'number' && Number.isFinite(here) ? here : undefined;
}

/** The scheduler throughput row of one variant (ratio to the run without the extender). */
function throughput(results: Json, variant: string, singleRoundTrip: boolean): number | undefined {
  const rows = results.schedulerThroughput;
  if (!Array.isArray(rows)) return undefined;
  const row = rows.find(
    (r: Json) => r.variant === variant && Boolean(r.singleRoundTrip) === singleRoundTrip,
  ) as Json | undefined;
  return row ? at(row, 'ratioToWithout') : undefined;
}

export const GOALS: Goal[] = [
  {
    what: 'GET one ProjectService through kube-apiserver ÷ one ConfigMap, sequential p50',
    suite: 'apiserver',
    value: (r) => at(r, 'getVersusConfigMap.ratiosProjectServiceOverConfigMap.sequentialP50'),
    unit: 'ratio',
    goal: '≤ 1.2',
    met: (v) => v <= 1.2,
  },
  {
    what: 'same, 16 concurrent clients, requests/s',
    suite: 'apiserver',
    value: (r) => at(r, 'getVersusConfigMap.ratiosProjectServiceOverConfigMap.concurrent16Throughput'),
    unit: 'ratio',
    goal: '≥ 0.8',
    met: (v) => v >= 0.8,
  },
  ...(['create', 'get', 'watch'] as const).map((verb) => ({
    what: `${verb}: aggregated ÷ CRD p50`,
    suite: 'apiserver',
    value: (r: Json) => at(r, `ratiosAggregatedOverCrd.${verb}.p50`),
    unit: 'ratio',
    goal: '≤ 1.2',
    met: (v: number) => v <= 1.2,
  })),
  {
    what: 'list: aggregated ÷ CRD p50',
    suite: 'apiserver',
    value: (r) => at(r, 'ratiosAggregatedOverCrd.list.p50'),
    unit: 'ratio',
    goal: '< 1',
    met: (v) => v < 1,
  },
  {
    what: 'kube-scheduler pods/s, 1,000 nodes, every pod through the extender ÷ no extender',
    suite: 'scheduler-extender',
    value: (r) => throughput(r, 'with-extender', false),
    unit: 'ratio',
    goal: '≥ 0.8',
    met: (v) => v >= 0.8,
  },
  {
    what: 'same, single-round-trip mode (filter-best, no prioritize)',
    suite: 'scheduler-extender',
    value: (r) => throughput(r, 'with-extender', true),
    unit: 'ratio',
    goal: '≥ 0.8',
    met: (v) => v >= 0.8,
  },
  {
    what: 'same, realistic mix (every fifth pod needs VFs, NUMA, disk)',
    suite: 'scheduler-extender',
    value: (r) => throughput(r, 'realistic-mix', false),
    unit: 'ratio',
    goal: '≥ 0.95',
    met: (v) => v >= 0.95,
  },
  {
    what: 'same, realistic mix, single-round-trip mode',
    suite: 'scheduler-extender',
    value: (r) => throughput(r, 'realistic-mix', true),
    unit: 'ratio',
    goal: '≥ 0.95',
    met: (v) => v >= 0.95,
  },
  {
    what: 'extender filter, 5,000 node names, its own work, p99',
    suite: 'scheduler-extender',
    value: (r) => at(r, 'filterLatency.1.serverP99Ms'),
    unit: 'ms',
    goal: '< 2',
    met: (v) => v < 2,
  },
  {
    what: '100 ProjectServices created at once (KUBEHPC_BENCH_PS_N) → all Ready',
    suite: 'projectservice',
    value: (r) => at(r, 'burst.createToAllReadyMs'),
    unit: 'ms',
    goal: '< 5,000',
    met: (v) => v < 5_000,
  },
  {
    what: 'same children applied straight to kube-apiserver → all ready (the floor, no goal)',
    suite: 'projectservice',
    value: (r) => at(r, 'childrenFloor.allReadyMs'),
    unit: 'ms',
    goal: '—',
    met: () => true,
  },
  {
    what: 'a reconcile that changes nothing, mean',
    suite: 'projectservice',
    value: (r) => at(r, 'noOpReconcile.meanMs'),
    unit: 'ms',
    goal: '< 5',
    met: (v) => v < 5,
  },
  {
    what: 'objects those no-op reconciles wrote',
    suite: 'projectservice',
    value: (r) => at(r, 'noOpReconcile.objectsWritten'),
    unit: 'objects',
    goal: '0',
    met: (v) => v === 0,
  },
];

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

function resultsOf(suite: string): { date: string; results: Json } | undefined {
  const path = join(resultsDir, `${suite}.json`);
  if (!existsSync(path)) return undefined;
  const report = JSON.parse(readFileSync(path, 'utf8')) as { date?: string; results?: Json };
  return { date: report.date ?? '?', results: report.results ?? {} };
}

/** The table as Markdown rows; `ran` limits it to suites run since `since` (ms epoch). */
export function goalTable(since = 0): string {
  const lines = ['| what | this run | goal | met | suite (date) |', '|---|---|---|---|---|'];
  for (const g of GOALS) {
    const report = resultsOf(g.suite);
    const fresh = report && Date.parse(report.date) >= since ? report : undefined;
    const value = fresh ? g.value(fresh.results) : undefined;
    const shown = value === undefined ? 'not run' : `${value} ${g.unit === 'ratio' ? '' : g.unit}`.trim();
    const met = value === undefined || g.goal === '—' ? '' : g.met(value) ? 'yes' : '**no**';
    lines.push(
      `| ${g.what} | ${shown} | ${g.goal} | ${met} | ${g.suite}${fresh ? ` (${fresh.date})` : ''} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(goalTable());
