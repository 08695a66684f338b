import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { usageSamples } from '../../../../../apiserver/src/controllers/scaling/sources/podmetrics.ts';
import { podState } from '../../../../../apiserver/src/controllers/scaling/sources/pods.ts';
import {
  httpPrometheus,
  parseQueryResponse,
} from '../../../../../apiserver/src/controllers/scaling/sources/prometheus.ts';

t.test('PodMetrics: containers summed, in cores and bytes, with timestamp and window', async (t) => {
  const list = {
    kind: 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    items: [
      {
        metadata: { name: 'a' },
        timestamp: '2026-06-01T12:00:00Z',
        window: '30s',
        containers: [
          { name: 'app', usage: { cpu: '250m', memory: '64Mi' } },
          { name: 'side', usage: { cpu: '125000000n', memory: '1Ki' } },
        ],
      },
      { metadata: { name: 'no-window' }, timestamp: '2026-06-01T12:00:00Z', containers: [] },
      {
        metadata: { name: 'bad' },
        timestamp: '2026-06-01T12:00:00Z',
        window: '15s',
        containers: [{ usage: { cpu: 'lots' } }],
      },
    ],
  };
  const cpu = usageSamples(list, 'cpu');
  t.same([...cpu.keys()], ['a'], 'malformed entries are left out');
  t.same(cpu.get('a'), { value: 0.375, timestampMs: Date.parse('2026-06-01T12:00:00Z'), windowMs: 30_000 });
  t.equal(usageSamples(list, 'memory').get('a')?.value, 64 * 1024 * 1024 + 1024);
  t.same([...usageSamples({ items: 'x' }, 'cpu')], []);
  t.same([...usageSamples(null, 'cpu')], []);
});

t.test('Pods: phase, deletion, readiness, start and summed requests', async (t) => {
  const state = podState({
    metadata: { name: 'p', deletionTimestamp: '2026-06-01T12:00:00Z' },
    spec: {
      containers: [
        { resources: { requests: { cpu: '500m', memory: '1Gi' } } },
        { resources: { requests: { cpu: '250m' } } },
      ],
    },
    status: {
      phase: 'Running',
      startTime: '2026-06-01T11:00:00Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-06-01T11:00:30Z' }],
    },
  });
  t.same(state, {
    name: 'p',
    phase: 'Running',
    deleting: true,
    ready: true,
    readyTransitionMs: Date.parse('2026-06-01T11:00:30Z'),
    startMs: Date.parse('2026-06-01T11:00:00Z'),
    requests: { cpu: 0.75 },
  });
  t.same(podState({ status: { phase: 'Weird' } }), {
    name: '',
    phase: 'Unknown',
    deleting: false,
    requests: {},
  });
});

t.test('Prometheus responses: one sample, empty, several series, rejected', async (t) => {
  const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });
  t.same(parseQueryResponse(vector([{ metric: {}, value: [1, '42.5'] }])), { ok: true, value: 42.5 });
  t.same(parseQueryResponse(vector([])), { ok: true, value: undefined });
  t.match(parseQueryResponse(vector([{ value: [1, '1'] }, { value: [1, '2'] }])), {
    ok: false,
    error: /2 series; it must return one/,
  });
  t.same(parseQueryResponse({ status: 'success', data: { resultType: 'scalar', result: [1, '7'] } }), {
    ok: true,
    value: 7,
  });
  t.match(parseQueryResponse({ status: 'success', data: { resultType: 'matrix', result: [] } }), {
    ok: false,
    error: /matrix result/,
  });
  t.match(parseQueryResponse({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }), {
    ok: false,
    error: 'Prometheus rejected the query (bad_data): parse error at char 5',
  });
  t.match(parseQueryResponse('nonsense'), { ok: false });
});

t.test('the fetcher posts an instant query and turns failures into errors', async (t) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      if (body.includes('broken')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'unknown function' }));
      } else if (body.includes('html')) {
        res.writeHead(502).end('<html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ value: [1, '3'] }] },
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = httpPrometheus(2000);
  t.same(await client.query(address, 'up', 1_700_000_000_000), { ok: true, value: 3 });
  t.match(seen[0], /^POST \/api\/v1\/query query=up&time=1700000000\.000$/);
  t.match(await client.query(address, 'broken(', 0), { ok: false, error: /bad_data.*unknown function/ });
  t.match(await client.query(address, 'html', 0), { ok: false, error: /HTTP 502 without JSON/ });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  t.match(await client.query(`http://127.0.0.1:${deadPort}`, 'up', 0), {
    ok: false,
    error: /unreachable: ECONNREFUSED/,
  });
});
