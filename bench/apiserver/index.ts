// API latency and throughput of ProjectService served by the kubehpc API server through the
// aggregator, against the same shape served as a CRD by kube-apiserver in the same run and
// cluster: create, get, list and watch (create-to-event), sequential, over one keep-alive
// connection, the two sides alternating request by request so both see the same background.
// Prints p50/p99 and ops/s per verb and the ratios (aggregated ÷ CRD
// latency; < 1 means the aggregated API is faster). Then GET of one ProjectService against one
// ConfigMap (bench/apiserver/builtin.ts): sequential p50 and 16-client requests/s ratios, and
// those again under each server configuration (bench/apiserver/variants.ts).
// Needs the local platform (`npm run up`).

import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import {
  PROJECT_SERVICE_SPEC_SCHEMA,
  PROJECT_SERVICE_STATUS_SCHEMA,
} from '../../common/apis/apps/v1alpha1/schema.ts';
import { layout } from '../../platform/src/layout.ts';
import { kubeHttp } from '../kube-http.ts';
import { summarize, writeReport } from '../report.ts';
import { getVersusBuiltin, type Side } from './builtin.ts';
import { variantRows } from './variants.ts';

const l = layout();
const http = kubeHttp(l, 1);
const { call, must } = http;
const N = Number(process.env.KUBEHPC_BENCH_API_N ?? 200);
const CLIENTS = 16;
const many = kubeHttp(l, CLIENTS);

const CRD_GROUP = 'bench.kubehpc.dev';
const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `projectservices.${CRD_GROUP}` },
  spec: {
    group: CRD_GROUP,
    scope: 'Namespaced',
    names: {
      plural: 'projectservices',
      singular: 'projectservice',
      kind: 'ProjectService',
      listKind: 'ProjectServiceList',
    },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: PROJECT_SERVICE_SPEC_SCHEMA, status: PROJECT_SERVICE_STATUS_SCHEMA },
          },
        },
      },
    ],
  },
};

interface Target {
  name: string;
  base: (ns: string) => string;
  apiVersion: string;
}

const targets: Target[] = [
  {
    name: 'aggregated',
    base: (ns) => `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`,
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
  },
  {
    name: 'crd',
    base: (ns) => `/apis/${CRD_GROUP}/v1alpha1/namespaces/${ns}/projectservices`,
    apiVersion: `${CRD_GROUP}/v1alpha1`,
  },
];

const object = (t: Target, name: string) => ({
  apiVersion: t.apiVersion,
  kind: 'ProjectService',
  metadata: { name, labels: { bench: 'api' } },
  spec: {
    image: 'registry.example/portal:1.4.2',
    // No pods: the controller's background work for each object is a Deployment and a Service.
    replicas: 0,
    ports: [{ name: 'http', port: 8080 }],
    resources: { cpu: '2', memory: '4Gi' },
  },
});

type Sample = ReturnType<typeof summarize> & { opsPerSecond?: number };

/**
 * Times `op` on every target in turn, n times: the two sides alternate, so both see the same
 * background (the controller reconciling what the bench creates, the machine's other work).
 */
async function alternating(
  n: number,
  op: (t: Target, i: number) => Promise<unknown>,
): Promise<Map<string, Sample>> {
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let i = 0; i < n; i++) {
    for (const t of targets) {
      const t0 = performance.now();
      await op(t, i);
      samples.get(t.name)?.push(performance.now() - t0);
    }
  }
  const out = new Map<string, Sample>();
  for (const [name, xs] of samples) {
    const busyMs = xs.reduce((a, b) => a + b, 0);
    out.set(name, { ...summarize(xs), opsPerSecond: Number((n / (busyMs / 1000)).toFixed(1)) });
  }
  return out;
}

/** A watch on a target's collection: when each named object's ADDED arrived. */
async function openWatch(t: Target, ns: string) {
  const list = await must('GET', `${t.base(ns)}?limit=1`);
  const rv = (list.metadata as { resourceVersion: string }).resourceVersion;
  const waiting = new Map<string, (at: number) => void>();
  const req = request({
    host: '127.0.0.1',
    port: l.ports.apiserver,
    path: `${t.base(ns)}?watch=true&resourceVersion=${rv}`,
    method: 'GET',
    ...http.tls,
  });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString();
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const e = JSON.parse(buffer.slice(0, nl)) as {
            type: string;
            object: { metadata: { name: string } };
          };
          buffer = buffer.slice(nl + 1);
          if (e.type === 'ADDED') waiting.get(e.object.metadata.name)?.(performance.now());
        }
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  return {
    arrival: (name: string) => new Promise<number>((resolve) => waiting.set(name, resolve)),
    close: () => req.destroy(),
  };
}

/** Create-to-event latency on every target, alternating: each create timed until its ADDED. */
async function watchLatency(ns: string, n: number): Promise<Map<string, Sample>> {
  const watches = new Map<string, Awaited<ReturnType<typeof openWatch>>>();
  for (const t of targets) watches.set(t.name, await openWatch(t, ns));
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let i = 0; i < n; i++) {
    for (const t of targets) {
      const name = `w-${i}`;
      const arrived = watches.get(t.name)?.arrival(name);
      const t0 = performance.now();
      await must('POST', t.base(ns), object(t, name));
      samples.get(t.name)?.push(((await arrived) ?? Number.NaN) - t0);
    }
  }
  for (const w of watches.values()) w.close();
  return new Map([...samples].map(([name, xs]) => [name, summarize(xs)]));
}

const ns = `bench-api-${randomBytes(3).toString('hex')}`;
const results: Record<string, Record<string, unknown>> = {};
let builtin: Record<string, unknown> = {};
let variants: Record<string, unknown> = {};
await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
try {
  for (let i = 0; i < 100; i++) {
    const crd = await must(
      'GET',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/projectservices.${CRD_GROUP}`,
    );
    const conditions =
      (crd.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // A warm-up round per target, so neither pays for first connections or discovery.
  for (const t of targets) {
    await must('POST', t.base(ns), object(t, 'warmup'));
    await must('GET', `${t.base(ns)}/warmup`);
  }
  const create = await alternating(N, (t, i) => must('POST', t.base(ns), object(t, `o-${i}`)));
  const get = await alternating(N, (t, i) => must('GET', `${t.base(ns)}/o-${i % N}`));
  const list = await alternating(Math.max(10, N / 10), (t) => must('GET', t.base(ns)));
  const watch = await watchLatency(ns, Math.max(20, N / 4));
  for (const t of targets) {
    results[t.name] = {
      create: create.get(t.name),
      get: get.get(t.name),
      list: list.get(t.name),
      watch: watch.get(t.name),
    };
  }
  await must('POST', `/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'get-one', labels: { bench: 'api' } },
    data: { 'application.yml': 'replicas: 3\n' },
  });
  const sides: [Side, Side] = [
    { name: 'projectservice', path: `${targets[0]?.base(ns)}/o-0` },
    { name: 'configmap', path: `/api/v1/namespaces/${ns}/configmaps/get-one` },
  ];
  const getOptions = { n: Math.max(100, N), rounds: 4, clients: CLIENTS, ms: 8_000 };
  // Our server alone, asked directly with the admin certificate: the aggregated time less this
  // is kube-apiserver's part of the hop (authentication, authorization, the proxy).
  const port = l.ports.kubehpcApiserver;
  const alone = { one: kubeHttp(l, 1, port), many: kubeHttp(l, CLIENTS, port) };
  try {
    builtin = await getVersusBuiltin(
      http,
      many,
      [...sides, { name: 'projectservice-direct', path: sides[0].path, clients: alone }],
      getOptions,
    );
  } finally {
    alone.one.close();
    alone.many.close();
  }
  // KUBEHPC_BENCH_API_VARIANTS=0 skips the same rows under --watch-cache and --http2 on and off.
  if (process.env.KUBEHPC_BENCH_API_VARIANTS !== '0')
    variants = await variantRows(l, http, many, sides, getOptions);
} finally {
  await call('DELETE', `/api/v1/namespaces/${ns}`);
  await call(
    'DELETE',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/projectservices.${CRD_GROUP}`,
  );
  http.close();
  many.close();
}

const ratios: Record<string, unknown> = {};
for (const verb of ['create', 'get', 'list', 'watch']) {
  const a = results.aggregated?.[verb] as { p50: number; p99: number; opsPerSecond?: number };
  const c = results.crd?.[verb] as { p50: number; p99: number; opsPerSecond?: number };
  ratios[verb] = {
    p50: Number((a.p50 / c.p50).toFixed(2)),
    p99: Number((a.p99 / c.p99).toFixed(2)),
    ...(a.opsPerSecond && c.opsPerSecond
      ? { throughput: Number((a.opsPerSecond / c.opsPerSecond).toFixed(2)) }
      : {}),
  };
  const fmt = (x: { p50: number; p99: number; opsPerSecond?: number }) =>
    `p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms${x.opsPerSecond ? `, ${x.opsPerSecond} ops/s` : ''}`;
  console.log(
    `${verb.padEnd(6)} aggregated: ${fmt(a)} | CRD: ${fmt(c)} | ratio p50 ${(ratios[verb] as { p50: number }).p50}`,
  );
}
type GetSide = { sequential: { p50: number }; concurrent16: { requestsPerSecond: number } };
const ps = builtin.projectservice as GetSide;
const cm = builtin.configmap as GetSide;
const getRatios = {
  sequentialP50: Number((ps.sequential.p50 / cm.sequential.p50).toFixed(2)),
  concurrent16Throughput: Number(
    (ps.concurrent16.requestsPerSecond / cm.concurrent16.requestsPerSecond).toFixed(2),
  ),
};
console.log(
  `get one, sequential: ProjectService p50 ${ps.sequential.p50.toFixed(2)} ms | ConfigMap p50 ${cm.sequential.p50.toFixed(2)} ms | ratio ${getRatios.sequentialP50}`,
);
console.log(
  `get one, ${CLIENTS} clients: ProjectService ${ps.concurrent16.requestsPerSecond} req/s | ConfigMap ${cm.concurrent16.requestsPerSecond} req/s | ratio ${getRatios.concurrent16Throughput}`,
);
const alone = builtin['projectservice-direct'] as GetSide;
console.log(
  `get one, our server alone: sequential p50 ${alone.sequential.p50.toFixed(2)} ms (through the aggregator ${ps.sequential.p50.toFixed(2)} ms: kube-apiserver's part ${(ps.sequential.p50 - alone.sequential.p50).toFixed(2)} ms) | ${CLIENTS} clients ${alone.concurrent16.requestsPerSecond} req/s`,
);
type VariantRow = {
  ratios: { sequentialP50: number; concurrent16Throughput: number };
  requestsByProtocol: Record<string, number>;
};
for (const [name, row] of Object.entries(variants) as Array<[string, VariantRow]>) {
  console.log(
    `variant ${name.padEnd(25)} get ÷ ConfigMap: sequential p50 ${row.ratios.sequentialP50}, ${CLIENTS} clients req/s ${row.ratios.concurrent16Throughput} (aggregator requests h2 ${row.requestsByProtocol.h2}, http/1.1 ${row.requestsByProtocol['http/1.1']})`,
  );
}
writeReport('apiserver', {
  objects: N,
  ...results,
  ratiosAggregatedOverCrd: ratios,
  getVersusConfigMap: { ...builtin, ratiosProjectServiceOverConfigMap: getRatios },
  variants,
});
