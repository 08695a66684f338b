// Soak: mixed verbs (create, get, list, merge patch, scale, delete) from several concurrent
// clients plus watches, through kube-apiserver to kubehpc-apiserver, for a fixed duration (10
// minutes by default; `npm run bench -- soak --duration=60s`). The load is a steady state:
// each client keeps a fixed number of ProjectServices (creating and deleting in turn once it
// has them), and each watch is closed and reopened every minute, as informers do — so memory
// that keeps growing is the server's, not a growing data set's. Samples every
// kubehpc-apiserver process's resident memory (/proc) and, from its /metrics, its heap in use
// and live heap (after the last full collection); the report gives p50/p99 per verb, errors,
// the curves and the plateau verdict (plateau.ts). Needs the local platform (`npm run up`).

import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { parseArgs } from 'node:util';
import { layout } from '../../platform/src/layout.ts';
import { kubeHttp } from '../kube-http.ts';
import { summarize, writeReport } from '../report.ts';
import { type ProcessMemory, sampleApiservers } from './memory.ts';
import { type Point, plateau } from './plateau.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: 'string', default: '10m' },
    clients: { type: 'string', default: '8' },
    watches: { type: 'string', default: '4' },
    /** ProjectServices each client keeps. */
    population: { type: 'string', default: '20' },
  },
});

function seconds(text: string): number {
  const m = /^(\d+)(s|m)?$/.exec(text);
  if (!m) throw new Error(`--duration must be like 90s or 10m, got ${text}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

const durationS = seconds(values.duration);
const clients = Number(values.clients);
const watchCount = Number(values.watches);
const population = Number(values.population);
/** Informers re-watch every 5–10 minutes; a minute here exercises closing watches too. */
const WATCH_SECONDS = 60;
/**
 * A leak shows as a climb of the live heap; 0.5 MiB/min is 0.7 GiB a day. The resident set is
 * reported beside it, but decides nothing: V8 and malloc keep freed memory for reuse, so RSS
 * moves in steps that a ten-minute slope cannot tell from growth.
 */
const LIVE_HEAP_LIMIT_MIB_PER_MIN = 0.5;
const SAMPLE_EVERY_MS = Math.min(10_000, Math.max(1000, (durationS * 1000) / 60));

const l = layout();
const http = kubeHttp(l, clients + 2);
const ns = `bench-soak-${randomBytes(3).toString('hex')}`;
const base = `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`;

const object = (name: string) => ({
  apiVersion: 'apps.kubehpc.dev/v1alpha1',
  kind: 'ProjectService',
  metadata: { name, labels: { bench: 'soak' } },
  // Zero replicas: the soak measures the API, not the cluster's scheduling of pods.
  spec: { image: 'registry.example/portal:1.4.2', replicas: 0, ports: [{ name: 'http', port: 8080 }] },
});

const samples = new Map<string, number[]>();
const errors: Record<string, number> = {};
let operations = 0;
async function timed(verb: string, f: () => Promise<{ status: number }>): Promise<void> {
  const t0 = performance.now();
  const r = await f().catch(() => ({ status: 0 }));
  const list = samples.get(verb) ?? [];
  list.push(performance.now() - t0);
  samples.set(verb, list);
  operations++;
  if (r.status === 0 || r.status >= 500 || r.status === 429)
    errors[`${verb}:${r.status}`] = (errors[`${verb}:${r.status}`] ?? 0) + 1;
}

async function client(id: number, until: number): Promise<void> {
  const mine: string[] = [];
  for (let i = 0; performance.now() < until; i++) {
    const pick = i % 10;
    if (pick < 2 || pick === 9 || mine.length === 0) {
      // Churn: create until the client has its population, then delete the oldest and
      // create in turn, so the number of objects stays level.
      if (mine.length < population) {
        const name = `c${id}-${i}`;
        await timed('create', () => http.call('POST', base, object(name)));
        mine.push(name);
      } else {
        const name = mine.shift() as string;
        await timed('delete', () => http.call('DELETE', `${base}/${name}`));
      }
    } else if (pick < 5) {
      await timed('get', () => http.call('GET', `${base}/${mine[i % mine.length]}`));
    } else if (pick === 5) {
      await timed('list', () => http.call('GET', `${base}?labelSelector=bench%3Dsoak&limit=50`));
    } else if (pick < 8) {
      const name = mine[i % mine.length] as string;
      await timed('patch', () => patch(`${base}/${name}`, { metadata: { annotations: { n: String(i) } } }));
    } else {
      await timed('scale', () => http.call('GET', `${base}/${mine[i % mine.length]}/scale`));
    }
  }
}

function patch(path: string, body: unknown): Promise<{ status: number }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: l.ports.apiserver,
        path,
        method: 'PATCH',
        ...http.tls,
        headers: {
          'Content-Type': 'application/merge-patch+json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A watch kept open (and reopened when the server ends it) for the whole run. */
function watcher(until: number, counts: { events: number; reopened: number }): Promise<void> {
  return new Promise((resolve) => {
    const open = () => {
      if (performance.now() >= until) return resolve();
      const req = request({
        host: '127.0.0.1',
        port: l.ports.apiserver,
        path: `${base}?watch=true&allowWatchBookmarks=true&timeoutSeconds=${Math.max(1, Math.min(WATCH_SECONDS, Math.round((until - performance.now()) / 1000)))}`,
        method: 'GET',
        ...http.tls,
      });
      req.on('response', (res) => {
        res.on('data', (c: Buffer) => {
          counts.events += c.toString().split('\n').length - 1;
        });
        res.on('end', () => {
          counts.reopened++;
          open();
        });
      });
      req.on('error', () => {
        counts.reopened++;
        setTimeout(open, 500);
      });
      req.end();
    };
    open();
  });
}

await http.must('POST', '/api/v1/namespaces', {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: ns },
});
const memory: Array<{ atS: number; processes: ProcessMemory[] }> = [];
const began = performance.now();
const until = began + durationS * 1000;
const sample = async () => {
  const atS = Math.round((performance.now() - began) / 1000);
  memory.push({ atS, processes: await sampleApiservers(l, http.tls) });
};
const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);
await sample();
const watchCounts = { events: 0, reopened: 0 };
try {
  await Promise.all([
    ...Array.from({ length: clients }, (_, id) => client(id, until)),
    ...Array.from({ length: watchCount }, () => watcher(until, watchCounts)),
  ]);
} finally {
  clearInterval(sampler);
  await sample();
  await http.call('DELETE', `/api/v1/namespaces/${ns}`);
  http.close();
}

const elapsedS = (performance.now() - began) / 1000;
const latency = Object.fromEntries([...samples].map(([verb, s]) => [verb, summarize(s)]));
const all = summarize([...samples.values()].flat());
memory.sort((x, y) => x.atS - y.atS);
/** The curve of one quantity summed over the replicas (samples where every replica had it). */
const curve = (field: 'rssMiB' | 'heapUsedMiB' | 'heapLiveMiB'): Point[] =>
  memory
    .filter((m) => m.processes.length > 0 && m.processes.every((p) => p[field] !== undefined))
    .map((m) => ({
      atS: m.atS,
      mib: Math.round(m.processes.reduce((sum, p) => sum + (p[field] as number), 0) * 10) / 10,
    }));
const rssCurve = curve('rssMiB');
const heapUsedCurve = curve('heapUsedMiB');
const heapLiveCurve = curve('heapLiveMiB');
const verdict = {
  heapLive: plateau(heapLiveCurve, LIVE_HEAP_LIMIT_MIB_PER_MIN),
  // Informational (see LIVE_HEAP_LIMIT_MIB_PER_MIN): no limit of its own.
  rssSlopeMiBPerMin: plateau(rssCurve, Number.POSITIVE_INFINITY).slopeMiBPerMin,
  heapUsedSlopeMiBPerMin: plateau(heapUsedCurve, Number.POSITIVE_INFINITY).slopeMiBPerMin,
};
const show = (points: Point[]) => points.map((p) => `${p.atS}s:${p.mib}`).join(' ');

for (const [verb, s] of Object.entries(latency))
  console.log(`${verb.padEnd(7)} n=${s.n} p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms`);
console.log(
  `all     n=${all.n} p50 ${all.p50.toFixed(1)} ms p99 ${all.p99.toFixed(1)} ms, ${(operations / elapsedS).toFixed(1)} ops/s, errors ${JSON.stringify(errors)}`,
);
console.log(`RSS MiB (all kubehpc-apiserver replicas): ${show(rssCurve)}`);
console.log(`live heap MiB (after the last full GC): ${show(heapLiveCurve)}`);
console.log(`heap in use MiB: ${show(heapUsedCurve)}`);
console.log(
  `last half, MiB/min: live heap ${verdict.heapLive.slopeMiBPerMin} (limit ${LIVE_HEAP_LIMIT_MIB_PER_MIN}), RSS ${verdict.rssSlopeMiBPerMin}, heap in use ${verdict.heapUsedSlopeMiBPerMin}`,
);
console.log(
  verdict.heapLive.flat ? 'memory plateaus' : 'memory does NOT plateau (or the run was too short to tell)',
);
writeReport('soak', {
  durationS: Math.round(elapsedS),
  clients,
  watches: watchCount,
  population: population * clients,
  watchSeconds: WATCH_SECONDS,
  operations,
  opsPerSecond: Number((operations / elapsedS).toFixed(1)),
  errors,
  latencyMs: { all, ...latency },
  watchEvents: watchCounts.events,
  watchesReopened: watchCounts.reopened,
  plateau: verdict,
  rssMiB: rssCurve,
  heapLiveMiB: heapLiveCurve,
  heapUsedMiB: heapUsedCurve,
  byProcess: memory,
});
