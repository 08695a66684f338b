// Soak: mixed verbs (create, get, list, merge patch, scale, delete) from several concurrent
// clients plus long-running watches, through kube-apiserver to kubehpc-apiserver, for a
// fixed duration (10 minutes by default; `npm run bench -- soak --duration=60s`). Samples the
// resident memory of every kubehpc-apiserver process every few seconds, so the report shows
// whether memory plateaus, and reports p50/p99 latency per verb and errors. Needs the local
// platform (`npm run up`).

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { parseArgs } from 'node:util';
import { layout } from '../../platform/src/layout.ts';
import { readRecords } from '../../platform/src/supervisor.ts';
import { kubeHttp } from '../kube-http.ts';
import { summarize, writeReport } from '../report.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: 'string', default: '10m' },
    clients: { type: 'string', default: '8' },
    watches: { type: 'string', default: '4' },
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
const SAMPLE_EVERY_MS = Math.min(10_000, Math.max(1000, (durationS * 1000) / 60));

const l = layout();
const http = kubeHttp(l, clients + 2);
const ns = `bench-soak-${randomBytes(3).toString('hex')}`;
const base = `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`;

/** Resident set sizes (MiB) of the platform's kubehpc-apiserver processes, by pid. */
async function apiserverRss(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const record of await readRecords(l.runDir)) {
    if (!record.name.startsWith('kubehpc-apiserver')) continue;
    try {
      const status = readFileSync(`/proc/${record.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb) out[`${record.name}:${record.pid}`] = Math.round(kb / 1024);
    } catch {
      // exited between listing and reading
    }
  }
  return out;
}

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
    if (pick < 2 || mine.length === 0) {
      const name = `c${id}-${i}`;
      await timed('create', () => http.call('POST', base, object(name)));
      mine.push(name);
    } else if (pick < 5) {
      await timed('get', () => http.call('GET', `${base}/${mine[i % mine.length]}`));
    } else if (pick === 5) {
      await timed('list', () => http.call('GET', `${base}?labelSelector=bench%3Dsoak&limit=50`));
    } else if (pick < 8) {
      const name = mine[i % mine.length] as string;
      await timed('patch', () => patch(`${base}/${name}`, { metadata: { annotations: { n: String(i) } } }));
    } else if (pick === 8) {
      await timed('scale', () => http.call('GET', `${base}/${mine[i % mine.length]}/scale`));
    } else if (mine.length > 20) {
      const name = mine.shift() as string;
      await timed('delete', () => http.call('DELETE', `${base}/${name}`));
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
        path: `${base}?watch=true&allowWatchBookmarks=true&timeoutSeconds=${Math.max(5, Math.round((until - performance.now()) / 1000))}`,
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
const rss: Array<{ atS: number; mib: Record<string, number> }> = [];
const began = performance.now();
const until = began + durationS * 1000;
const sampler = setInterval(() => {
  void apiserverRss().then((mib) => rss.push({ atS: Math.round((performance.now() - began) / 1000), mib }));
}, SAMPLE_EVERY_MS);
rss.push({ atS: 0, mib: await apiserverRss() });
const watchCounts = { events: 0, reopened: 0 };
try {
  await Promise.all([
    ...Array.from({ length: clients }, (_, id) => client(id, until)),
    ...Array.from({ length: watchCount }, () => watcher(until, watchCounts)),
  ]);
} finally {
  clearInterval(sampler);
  rss.push({ atS: Math.round((performance.now() - began) / 1000), mib: await apiserverRss() });
  await http.call('DELETE', `/api/v1/namespaces/${ns}`);
  http.close();
}

const elapsedS = (performance.now() - began) / 1000;
const latency = Object.fromEntries([...samples].map(([verb, s]) => [verb, summarize(s)]));
const all = summarize([...samples.values()].flat());
const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const curve = rss.map((r) => ({ atS: r.atS, totalMiB: total(r.mib) }));
const third = Math.max(1, Math.floor(curve.length / 3));
const avg = (xs: Array<{ totalMiB: number }>) =>
  xs.reduce((a, b) => a + b.totalMiB, 0) / Math.max(1, xs.length);
const growthLastThirdMiB = Number(
  (avg(curve.slice(-third)) - avg(curve.slice(-2 * third, -third))).toFixed(1),
);

for (const [verb, s] of Object.entries(latency))
  console.log(`${verb.padEnd(7)} n=${s.n} p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms`);
console.log(
  `all     n=${all.n} p50 ${all.p50.toFixed(1)} ms p99 ${all.p99.toFixed(1)} ms, ${(operations / elapsedS).toFixed(1)} ops/s, errors ${JSON.stringify(errors)}`,
);
console.log(
  `RSS MiB (all kubehpc-apiserver replicas): ${curve.map((c) => `${c.atS}s:${c.totalMiB}`).join(' ')}`,
);
console.log(`RSS change between the middle and the last third: ${growthLastThirdMiB} MiB`);
writeReport('soak', {
  durationS: Math.round(elapsedS),
  clients,
  watches: watchCount,
  operations,
  opsPerSecond: Number((operations / elapsedS).toFixed(1)),
  errors,
  latencyMs: { all, ...latency },
  watchEvents: watchCounts.events,
  watchesReopened: watchCounts.reopened,
  rssMiB: curve,
  rssByProcessMiB: rss,
  growthLastThirdMiB,
});
