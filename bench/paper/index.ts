// `npm run bench -- paper`: the scaling experiment of the HPC microservice-platform paper,
// reproduced on the local platform's real node. A `portal` ProjectService serving HTTP from
// real-0 (busybox httpd, a CPU-burning CGI: see portal.ts), a ScalingPolicy with one CPU rule
// at 80 % of the request, and ApacheBench load — 100,000 requests at 100 concurrency, spread
// over the replicas' pod addresses (load.ts). The service scales out under load and back in
// afterwards; the replica curve, the scale-out latency from load start (to the first new
// count written, to the first new replica Ready), requests/s and errors go to
// bench/results/paper.json, and every step of the curve is matched with its decision in the
// policy's history.
//
// Needs `KUBEHPC_REAL_NODE=1 npm run up` (the real node) and ab (Debian's apache2-utils);
// without either it says so and skips. Flags shorten a run: --requests, --scale-down-window…

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { REAL_NODE_NAME } from '../../common/names.ts';
import { layout } from '../../platform/src/layout.ts';
import { type KubeHttp, kubeHttp } from '../kube-http.ts';
import { writeReport } from '../report.ts';
import { AB_INSTALL_HINT, abAvailable } from './ab.ts';
import { type Sample, summarizeCurve } from './curve.ts';
import { runLoad } from './load.ts';
import { Observer, readyAddresses } from './observe.ts';
import {
  POLICY,
  PORTAL,
  PORTAL_PORT,
  portalPolicy,
  portalService,
  TARGET_UTILIZATION,
  WORK_PATH,
} from './portal.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '100' },
    'max-replicas': { type: 'string', default: '10' },
    cpu: { type: 'string', default: '100m' },
    work: { type: 'string', default: '100' },
    'scale-down-window': { type: 'string', default: '60s' },
    'cpu-initialization': { type: 'string', default: '15s' },
    round: { type: 'string', default: '10s' },
    'load-timeout': { type: 'string', default: '20m' },
    keep: { type: 'boolean', default: false },
  },
  // bench/run.ts hands every suite the same options.
  strict: false,
});

function text(name: string): string {
  return String(values[name]);
}

function whole(name: string, min: number): number {
  const n = Number(text(name));
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, got ${text(name)}`);
  return n;
}

function durationSeconds(name: string): number {
  const m = /^(\d+)(s|m)?$/.exec(text(name));
  if (!m) throw new Error(`--${name} must be like 90s or 5m, got ${text(name)}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

const settings = {
  requests: whole('requests', 1),
  concurrency: whole('concurrency', 1),
  maxReplicas: whole('max-replicas', 2),
  cpu: text('cpu'),
  work: whole('work', 0),
  scaleDownWindowSeconds: durationSeconds('scale-down-window'),
  cpuInitializationSeconds: durationSeconds('cpu-initialization'),
  roundSeconds: Math.max(1, durationSeconds('round')),
  loadTimeoutSeconds: durationSeconds('load-timeout'),
};
/** The local platform's controllers decide every 5 s; metrics-server resolves every 10 s. */
const PLATFORM = { scalingPeriodSeconds: 5, metricResolutionSeconds: 10 };
const SAMPLE_MS = 500;

async function realNodeReady(http: KubeHttp): Promise<string | undefined> {
  const node = await http.call('GET', `/api/v1/nodes/${REAL_NODE_NAME}`);
  if (node.status === 404)
    return `this platform runs without the real node ${REAL_NODE_NAME}: start it with KUBEHPC_REAL_NODE=1 npm run up`;
  const conditions = (node.json.status as { conditions?: Array<{ type: string; status: string }> })
    ?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
    ? undefined
    : `the real node ${REAL_NODE_NAME} is not Ready`;
}

/** Polls `check` every half second until it returns a value, or fails after `seconds`. */
async function until<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await delay(500);
  }
}

const l = layout();
if (!existsSync(l.kubeconfig)) {
  console.log('paper: skipped (the local platform is not up: KUBEHPC_REAL_NODE=1 npm run up)');
  process.exit(0);
}
if (!abAvailable()) {
  console.log(`paper: skipped (${AB_INSTALL_HINT})`);
  process.exit(0);
}
const http = kubeHttp(l, 8);
const notReady = await realNodeReady(http);
if (notReady) {
  console.log(`paper: skipped (${notReady})`);
  http.close();
  process.exit(0);
}

const ns = `bench-paper-${randomBytes(3).toString('hex')}`;
const observer = new Observer(http, ns, PORTAL, POLICY);
let exitCode = 0;
try {
  await http.must('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  await http.must(
    'POST',
    `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`,
    portalService(ns, settings),
  );
  console.log(`portal: 1 replica of busybox httpd on ${REAL_NODE_NAME} in ${ns}, ${settings.cpu} CPU each`);
  await until('the portal to serve from one ready address', 180, async () =>
    (await readyAddresses(http, ns, PORTAL)).length === 1 ? true : undefined,
  );
  await http.must(
    'POST',
    `/apis/scaling.kubehpc.dev/v1alpha1/namespaces/${ns}/scalingpolicies`,
    portalPolicy(ns, settings),
  );
  // The first decision with a CPU value: metrics-server has the pod and the controller reads it.
  await until('a first decision with the idle CPU value', 120, async () => {
    await observer.sample();
    return observer.samples.at(-1)?.utilization;
  });
  console.log(
    `policy: cpu ${TARGET_UTILIZATION} % of the request, 1–${settings.maxReplicas} replicas, scale-down window ${settings.scaleDownWindowSeconds} s; idle at ${observer.samples.at(-1)?.utilization} %`,
  );

  let last: Sample | undefined;
  const show = (s: Sample, t0: number) => {
    if (last && last.replicas === s.replicas && last.ready === s.ready && last.endpoints === s.endpoints)
      return;
    last = s;
    console.log(
      `  ${((s.atMs - t0) / 1000).toFixed(1).padStart(6)} s  replicas ${s.replicas}, ready ${s.ready}, endpoints ${s.endpoints}, cpu ${s.utilization ?? '?'} %`,
    );
  };
  const t0 = Date.now();
  await observer.sample();
  observer.start(SAMPLE_MS, (s) => show(s, t0));
  console.log(
    `load: ${settings.requests} requests at concurrency ${settings.concurrency} (ab, rounds of ${settings.roundSeconds} s)`,
  );
  const load = await runLoad({
    total: settings.requests,
    concurrency: settings.concurrency,
    roundSeconds: settings.roundSeconds,
    requestTimeoutSeconds: 30,
    port: PORTAL_PORT,
    path: WORK_PATH,
    deadlineMs: t0 + settings.loadTimeoutSeconds * 1000,
    addresses: () => readyAddresses(http, ns, PORTAL),
    onRound: (r) =>
      console.log(
        `  round at ${r.atS.toFixed(1)} s: ${r.addresses} address(es), ${r.complete} requests, ${r.requestsPerSecond}/s, ${r.errors} errors${r.aborted ? ` (${r.aborted[0]})` : ''}`,
      ),
  });
  const loadSeconds = (load.endMs - load.startMs) / 1000;
  console.log(`load done: ${load.complete} requests in ${loadSeconds.toFixed(1)} s, ${load.errors} errors`);
  const backIn = await until(
    'the portal to scale back in to 1',
    settings.scaleDownWindowSeconds + 240,
    async () => {
      const s = observer.samples.at(-1);
      return s && s.atMs > load.endMs && s.replicas === 1 ? s : undefined;
    },
  ).catch((error: Error) => {
    console.log(`  ${error.message}`);
    return undefined;
  });
  // A few more samples, so the curve shows the last replica going away.
  if (backIn)
    await until('the old replicas to leave the endpoints', 120, async () => {
      const s = observer.samples.at(-1);
      return s && s.endpoints <= 1 && s.ready <= 1 ? s : undefined;
    }).catch(() => undefined);
  observer.stop();
  await observer.sample();

  const decisions = [...observer.decisions.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const summary = summarizeCurve(observer.samples, decisions, load.startMs, load.endMs);
  const fmt = (v: number | undefined) => (v === undefined ? 'never' : `${v.toFixed(1)} s`);
  console.log(
    `scale-out: first new count written ${fmt(summary.scaleOutWrittenS)}, first new replica Ready ${fmt(summary.scaleOutReadyS)}, in the endpoints ${fmt(summary.scaleOutEndpointS)} after load start; peak ${summary.peakReplicas}; back to ${summary.initialReplicas} ${fmt(summary.scaleInAfterLoadS)} after load end`,
  );
  console.log(
    `steps: ${summary.steps.map((s) => `${s.from}→${s.to}@${s.atS.toFixed(0)}s`).join(' ')}; ${summary.unexplained.length} without a decision in the policy's history`,
  );
  const problems = [
    ...(summary.scaleOutWrittenS === undefined ? ['the portal never scaled out'] : []),
    ...(summary.scaleInAfterLoadS === undefined ? ['the portal did not scale back in'] : []),
    ...(summary.unexplained.length > 0 ? ['some steps have no decision in the history'] : []),
    ...(load.timedOut ? [`the load did not finish within --load-timeout`] : []),
  ];
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  if (problems.length > 0) exitCode = 1;
  writeReport('paper', {
    paper: { requests: 100_000, concurrency: 100, rule: `cpu at ${TARGET_UTILIZATION} % of the request` },
    settings: { ...settings, ...PLATFORM, sampleMs: SAMPLE_MS },
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
    load: {
      complete: load.complete,
      errors: load.errors,
      seconds: loadSeconds,
      requestsPerSecond: Math.round(load.complete / Math.max(loadSeconds, 0.001)),
      timedOut: load.timedOut,
      rounds: load.rounds,
    },
    summary,
    problems,
    curve: observer.samples.map((s) => ({ ...s, t: Math.round(s.atMs - load.startMs) / 1000 })),
    decisions: decisions.map((d) => ({
      id: d.id,
      time: d.time,
      t: (Date.parse(d.time) - load.startMs) / 1000,
      from: d.from,
      to: d.to,
      reason: d.reason,
      cpu: d.rules?.find((r) => r.name === 'cpu')?.value,
      clamps: d.clamps,
    })),
  });
} catch (error) {
  console.error(`paper: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  observer.stop();
  if (!values.keep) await http.call('DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
  http.close();
}
process.exit(exitCode);
