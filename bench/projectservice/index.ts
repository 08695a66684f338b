// The ProjectService controller end to end on the local platform: time from create to all
// replicas Ready (status.phase Running and readyReplicas = replicas, as the controller reports
// it from what really runs) for 1 ProjectService of 3 replicas, and for 100 ProjectServices of
// 1 replica each created at once; plus reconcile throughput from the controller's /metrics
// (reconciles/s and mean reconcile duration during the burst) and services made Ready per
// second. Each service's time is split where the work changes hands: create → its
// Deployment exists (our controller), → the Deployment reports its replica ready
// (kube-controller-manager's Deployment and ReplicaSet controllers, kube-scheduler, kwok),
// → the ProjectService says Running (our controller's status). Runs in a namespace of its
// own, deleted afterwards. Needs `npm run up`.
// The paper's platform took 67 s per deploy on average.

import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { API_VERSION, APPS_GROUP } from '../../common/names.ts';
import { layout } from '../../platform/src/layout.ts';
import { kubeHttp } from '../kube-http.ts';
import { summarize, writeReport } from '../report.ts';
import { childrenFloor } from './floor.ts';
import { noOpReconciles, type ReconcileTotals } from './noop.ts';

const l = layout();
const http = kubeHttp(l, 16);
const { call, must } = http;
const MANY = Number(process.env.KUBEHPC_BENCH_PS_N ?? 100);
const TIMEOUT_MS = 600_000;
const POLL_MS = 100;
/** The controller's workers on this machine (8 per CPU, its default). */
const FLOOR_CONCURRENCY = 8 * availableParallelism();

const psPath = (ns: string) => `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/${ns}/projectservices`;

const spec = (replicas: number) => ({
  image: 'registry.example/bench:1',
  replicas,
  ports: [{ name: 'http', port: 8080 }],
});

const projectService = (ns: string, name: string, replicas: number) => ({
  apiVersion: `${APPS_GROUP}/${API_VERSION}`,
  kind: 'ProjectService',
  metadata: { name, namespace: ns },
  spec: spec(replicas),
});

interface PS {
  metadata: { name: string };
  spec: { replicas: number };
  status?: { phase?: string; readyReplicas?: number };
}

interface Deployment {
  metadata: { name: string };
  status?: { readyReplicas?: number };
}

/** When each service's Deployment was first seen, and first seen with all replicas ready. */
interface Handoffs {
  created: Map<string, number>;
  ready: Map<string, number>;
}

/** Creates the services at once and returns each one's create-to-Ready time in ms. */
async function deploy(
  ns: string,
  names: string[],
  replicas: number,
): Promise<{ perService: number[]; allMs: number; handoffs: Handoffs; ready: Map<string, number> }> {
  const ready = new Map<string, number>();
  const handoffs: Handoffs = { created: new Map(), ready: new Map() };
  const start = performance.now();
  await Promise.all(names.map((n) => must('POST', psPath(ns), projectService(ns, n, replicas))));
  while (ready.size < names.length) {
    if (performance.now() - start > TIMEOUT_MS)
      throw new Error(`only ${ready.size}/${names.length} Ready after ${TIMEOUT_MS} ms`);
    // A poll the loaded API answers with 503 is skipped, not fatal: the next one sees the same.
    const [psList, deploymentList] = await Promise.all([
      call('GET', psPath(ns)),
      call('GET', `/apis/apps/v1/namespaces/${ns}/deployments`),
    ]);
    const now = performance.now();
    if (psList.status !== 200 || deploymentList.status !== 200) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    const list = psList.json as { items?: PS[] };
    const deployments = deploymentList.json as { items?: Deployment[] };
    for (const d of deployments.items ?? []) {
      if (!handoffs.created.has(d.metadata.name)) handoffs.created.set(d.metadata.name, now - start);
      if (!handoffs.ready.has(d.metadata.name) && (d.status?.readyReplicas ?? 0) >= replicas)
        handoffs.ready.set(d.metadata.name, now - start);
    }
    for (const ps of list.items ?? []) {
      if (ready.has(ps.metadata.name)) continue;
      if (ps.status?.phase === 'Running' && ps.status.readyReplicas === ps.spec.replicas)
        ready.set(ps.metadata.name, now - start);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const perService = [...ready.values()];
  return { perService, allMs: Math.max(...perService), handoffs, ready };
}

/** Mean and max of each hand-off's share of the services' create-to-Ready times, in ms. */
function shares(names: string[], h: Handoffs, psReady: Map<string, number>) {
  const parts = {
    controllerCreate: [] as number[],
    kubernetes: [] as number[],
    controllerStatus: [] as number[],
  };
  for (const n of names) {
    const created = h.created.get(n);
    const deployed = h.ready.get(n);
    const done = psReady.get(n);
    if (created === undefined || deployed === undefined || done === undefined) continue;
    parts.controllerCreate.push(created);
    parts.kubernetes.push(Math.max(0, deployed - created));
    parts.controllerStatus.push(Math.max(0, done - deployed));
  }
  const stat = (xs: number[]) =>
    xs.length === 0
      ? undefined
      : { mean: round(xs.reduce((a, b) => a + b, 0) / xs.length), max: round(Math.max(...xs)) };
  return {
    createToDeploymentMs: stat(parts.controllerCreate),
    deploymentToReadyMs: stat(parts.kubernetes),
    deploymentReadyToServiceRunningMs: stat(parts.controllerStatus),
    lastDeploymentCreatedMs: round(Math.max(...parts.controllerCreate)),
  };
}

async function metrics(): Promise<ReconcileTotals | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${l.ports.kubehpcControllers}/metrics`)).text();
    const sum = (re: RegExp) =>
      text
        .split('\n')
        .filter((line) => re.test(line))
        .reduce((s, line) => s + Number(line.split(' ').pop()), 0);
    return {
      reconciles: sum(/^kubehpc_controller_reconcile_total\{controller="projectservice"/),
      durationSum: sum(/^kubehpc_controller_reconcile_duration_seconds_sum\{controller="projectservice"/),
      durationCount: sum(/^kubehpc_controller_reconcile_duration_seconds_count\{controller="projectservice"/),
    };
  } catch {
    return undefined;
  }
}

const round = (ms: number) => Math.round(ms);

/** A namespace of the bench's own, once pods can be created in it. */
async function namespace(name: string): Promise<void> {
  await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // The default ServiceAccount must exist before pods can be created in the namespace.
  for (let i = 0; i < 200; i++) {
    if ((await call('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A previous run's namespaces still being deleted would share the machine with this one.
for (let i = 0; i < 1200; i++) {
  const list = (await call('GET', '/api/v1/namespaces')).json as {
    items?: Array<{ metadata: { name: string } }>;
  };
  if (!(list.items ?? []).some((n) => n.metadata.name.startsWith('bench-'))) break;
  await new Promise((r) => setTimeout(r, 100));
}

const ns = `bench-ps-${randomBytes(3).toString('hex')}`;
const floorNs = `${ns}-floor`;
await namespace(ns);
try {
  const one = await deploy(ns, ['single'], 3);
  console.log(`1 ProjectService x 3 replicas: create to all Ready ${round(one.allMs)} ms`);

  const before = await metrics();
  const names = Array.from({ length: MANY }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  const many = await deploy(ns, names, 1);
  const after = await metrics();
  const s = summarize(many.perService);
  const reconciles = before && after ? after.reconciles - before.reconciles : undefined;
  // The burst has settled: touch every service once and measure reconciles that change nothing.
  const noOp = await noOpReconciles(http, ns, names, metrics);
  // The same children applied without us, as many at once: kube's own share of the burst.
  await namespace(floorNs);
  const floor = await childrenFloor(http, floorNs, names, spec(1), FLOOR_CONCURRENCY);
  const reconcileMeanMs =
    before && after && after.durationCount > before.durationCount
      ? ((after.durationSum - before.durationSum) / (after.durationCount - before.durationCount)) * 1000
      : undefined;
  const results = {
    single: { replicas: 3, createToAllReadyMs: round(one.allMs) },
    burst: {
      services: MANY,
      replicasEach: 1,
      createToAllReadyMs: round(many.allMs),
      perServiceMs: {
        p50: round(s.p50),
        p90: round(s.p90),
        p99: round(s.p99),
        max: round(s.max),
        mean: round(s.mean),
      },
      servicesReadyPerSecond: Number((MANY / (many.allMs / 1000)).toFixed(1)),
      reconciles,
      reconcilesPerService: reconciles === undefined ? undefined : Number((reconciles / MANY).toFixed(1)),
      // Where the time went: our controller (create → Deployment, Deployment ready → status),
      // and kube-controller-manager + kube-scheduler + kwok in between.
      shares: shares(names, many.handoffs, many.ready),
      reconcilesPerSecond:
        reconciles === undefined ? undefined : Number((reconciles / (many.allMs / 1000)).toFixed(1)),
      reconcileMeanMs: reconcileMeanMs === undefined ? undefined : Number(reconcileMeanMs.toFixed(1)),
    },
    noOpReconcile: noOp,
    // The burst's children applied straight to kube-apiserver (no ProjectService, no us).
    childrenFloor: floor,
    aboveFloorMs: round(many.allMs - floor.allReadyMs),
    paperAverageDeployMs: 67_000,
  };
  console.log(
    `${MANY} ProjectServices x 1 replica at once: all Ready ${round(many.allMs)} ms; per service p50 ${round(s.p50)} p90 ${round(s.p90)} max ${round(s.max)} ms; ${results.burst.servicesReadyPerSecond} services Ready/s`,
  );
  console.log(
    `controller: ${reconciles ?? '?'} reconciles (${results.burst.reconcilesPerService ?? '?'} per service, ${results.burst.reconcilesPerSecond ?? '?'}/s over the burst), mean reconcile ${results.burst.reconcileMeanMs ?? '?'} ms`,
  );
  console.log(`where the time went (ms): ${JSON.stringify(results.burst.shares)}`);
  console.log(
    `floor: the same ${MANY} services' children applied without ProjectServices: all ready ${floor.allReadyMs} ms (applied in ${floor.appliedMs} ms); the burst took ${results.aboveFloorMs} ms more`,
  );
  console.log(
    `no-op reconciles: ${noOp?.reconciles ?? '?'}, mean ${noOp?.meanMs ?? '?'} ms, objects written ${noOp?.objectsWritten ?? '?'}`,
  );
  writeReport('projectservice', results);
} finally {
  await call('DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
  await call('DELETE', `/api/v1/namespaces/${floorNs}`).catch(() => undefined);
  http.close();
}
