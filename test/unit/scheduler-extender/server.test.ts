import t from 'tap';
import { NodeCache } from '../../../scheduler-extender/src/cache/node-cache.ts';
import { Extender } from '../../../scheduler-extender/src/engine/extender.ts';
import { buildServer } from '../../../scheduler-extender/src/http/server.ts';
import { createMetrics } from '../../../scheduler-extender/src/ops/metrics.ts';
import { disk, node, pod, topology, vfs } from './builders.ts';

function server(options: { ready?: boolean; bodyLimitBytes?: number } = {}) {
  const cache = new NodeCache({ reservationTtlMs: 30_000 });
  cache.upsertNode(node('hpc-0', { vfs: 16, diskGi: 1536 }));
  cache.upsertTopology(
    topology('hpc-0', [
      { cpu: 32, memoryGi: 128, vfs: 8 },
      { cpu: 32, memoryGi: 128, vfs: 8 },
    ]),
  );
  cache.upsertNode(node('split-0', { vfs: 4, diskGi: 512 }));
  cache.upsertTopology(
    topology('split-0', [
      { cpu: 16, memoryGi: 64, vfs: 2 },
      { cpu: 16, memoryGi: 64, vfs: 2 },
    ]),
  );
  cache.upsertNode(node('general-0', { diskGi: 100 }));
  const metrics = createMetrics();
  const app = buildServer({
    extender: new Extender(cache, { mode: 'short-circuit', maxCoreServices: 2 }, metrics),
    metrics,
    ready: () => options.ready ?? true,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
  });
  t.teardown(() => app.close());
  return app;
}

const numaPod = pod('p', { cpu: '4', memory: '8Gi', ...vfs(3) }, { numa: 'SingleNode' });
const names = ['hpc-0', 'split-0', 'general-0', 'ghost'];

t.test('filter answers the scheduler in its own wire format', async (t) => {
  const app = server();
  const res = await app.inject({
    method: 'POST',
    url: '/filter',
    payload: { Pod: numaPod, Nodes: null, NodeNames: names },
  });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(Object.keys(body).sort(), [
    'Error',
    'FailedAndUnresolvableNodes',
    'FailedNodes',
    'NodeNames',
    'Nodes',
  ]);
  t.same(body.NodeNames, ['hpc-0']);
  t.equal(body.Nodes, null);
  t.match(body.FailedAndUnresolvableNodes['split-0'], /3 VFs in one NUMA zone/);
  t.match(body.FailedAndUnresolvableNodes['general-0'], /no healthy VFs/);
  t.equal(
    body.FailedNodes.ghost,
    "node ghost is not in the extender's cache yet",
    'unknown node names fail clearly',
  );
  t.equal(body.Error, '');
});

t.test('exhaustive mode on request gives every reason', async (t) => {
  const app = server();
  const res = await app.inject({
    method: 'POST',
    url: '/filter?mode=exhaustive',
    payload: { Pod: numaPod, NodeNames: ['general-0'] },
  });
  t.match(
    res.json().FailedAndUnresolvableNodes['general-0'],
    /no healthy VFs; NUMA: node has no NodeResourceTopology/,
  );
});

t.test('full Nodes (not node-cache capable) are answered with Nodes', async (t) => {
  const app = server();
  const items = names.map((name) => ({ metadata: { name } }));
  const res = await app.inject({
    method: 'POST',
    url: '/filter',
    payload: { Pod: numaPod, Nodes: { items }, NodeNames: null },
  });
  t.same(res.json().Nodes, { items: [{ metadata: { name: 'hpc-0' } }] });
  t.equal(res.json().NodeNames, null);
});

t.test('prioritize returns a HostPriorityList with 0–10 scores', async (t) => {
  const app = server();
  const p = pod('d', disk(512));
  const res = await app.inject({
    method: 'POST',
    url: '/prioritize',
    payload: { Pod: p, Nodes: null, NodeNames: ['hpc-0', 'split-0'] },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), [
    { Host: 'hpc-0', Score: 7 },
    { Host: 'split-0', Score: 0 },
  ]);
});

t.test('a filter pass reserves: the next pod sees the capacity held', async (t) => {
  const app = server();
  const big = (name: string) => ({ Pod: pod(name, disk(1200)), NodeNames: ['hpc-0'] });
  t.same((await app.inject({ method: 'POST', url: '/filter', payload: big('one') })).json().NodeNames, [
    'hpc-0',
  ]);
  const second = (await app.inject({ method: 'POST', url: '/filter', payload: big('two') })).json();
  t.same(second.NodeNames, []);
  t.equal(second.FailedNodes['hpc-0'], 'local disk: 1200Gi not free (held for in-flight pods)');
  const again = (await app.inject({ method: 'POST', url: '/filter', payload: big('one') })).json();
  t.same(again.NodeNames, ['hpc-0'], 'a retry of the same pod does not compete with itself');
});

t.test('bad requests get catalogued errors and the server keeps serving', async (t) => {
  const app = server({ bodyLimitBytes: 4096 });
  const send = (payload: string, url = '/filter', contentType = 'application/json') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });
  const malformed = await send('{"Pod": ');
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().Code, 'MALFORMED_JSON');
  const huge = await send(
    JSON.stringify({ Pod: numaPod, NodeNames: Array.from({ length: 1000 }, (_, i) => `node-${i}`) }),
  );
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().Code, 'BODY_TOO_LARGE');
  const notArgs = await send(JSON.stringify({ Pod: {}, NodeNames: [] }));
  t.equal(notArgs.statusCode, 400);
  t.match(notArgs.json(), { Code: 'INVALID_ARGS', Error: /Pod\.metadata\.name/ });
  const badNames = await send(JSON.stringify({ Pod: numaPod, NodeNames: [42] }), '/prioritize');
  t.match(badNames.json(), { Code: 'INVALID_ARGS', Error: /NodeNames\[0\]/ });
  const neither = await send(JSON.stringify({ Pod: numaPod, Nodes: null, NodeNames: null }));
  t.match(neither.json(), { Code: 'INVALID_ARGS', Error: /NodeNames \(nodeCacheCapable\) or Nodes/ });
  const text = await send('hello', '/filter', 'text/plain');
  t.equal(text.statusCode, 415);
  const missing = await app.inject({ method: 'GET', url: '/nope' });
  t.equal(missing.statusCode, 404);
  const ok = await app.inject({
    method: 'POST',
    url: '/filter',
    payload: { Pod: numaPod, NodeNames: ['hpc-0'] },
  });
  t.equal(ok.statusCode, 200, 'still serving');
});

t.test('readiness follows the cache; health and metrics are served', async (t) => {
  const cold = server({ ready: false });
  t.equal((await cold.inject({ url: '/readyz' })).statusCode, 503);
  t.equal((await cold.inject({ url: '/healthz' })).statusCode, 200);
  const app = server();
  await app.inject({ method: 'POST', url: '/filter', payload: { Pod: numaPod, NodeNames: names } });
  await app.inject({
    method: 'POST',
    url: '/filter',
    payload: '{',
    headers: { 'content-type': 'application/json' },
  });
  const text = (await app.inject({ url: '/metrics' })).body;
  t.match(text, /kubehpc_extender_predicate_evaluations_total\{predicate="sriov"\} 3/);
  t.match(text, /kubehpc_extender_predicate_failures_total\{predicate="sriov"\} 2/);
  t.match(text, /kubehpc_extender_request_duration_seconds_count\{verb="filter"\} 1/);
  t.match(text, /kubehpc_extender_requests_total\{verb="filter",code="400"\} 1/);
  t.match(text, /kubehpc_extender_reservations 1/);
  t.match(text, /kubehpc_extender_cache_nodes 3/);
});

t.test(
  'filter-best (single round trip) keeps the best-scored passing nodes and holds only those',
  async (t) => {
    let app = server();
    const call = (url: string, name: string, nodeNames: string[]) =>
      app.inject({
        method: 'POST',
        url,
        payload: { Pod: pod(name, disk(400)), Nodes: null, NodeNames: nodeNames },
      });
    const plain = (await call('/filter', 'probe', ['hpc-0', 'split-0'])).json();
    t.same(plain.NodeNames, ['hpc-0', 'split-0'], 'both nodes fit 400Gi');
    const scores = (await call('/prioritize', 'probe', ['hpc-0', 'split-0'])).json();
    t.same(scores, [
      { Host: 'hpc-0', Score: 7 },
      { Host: 'split-0', Score: 2 },
    ]);

    app = server(); // without the probe's holds

    const best = (await call('/filter-best', 'a', ['hpc-0', 'split-0', 'general-0'])).json();
    t.same(best.NodeNames, ['hpc-0'], 'only the best-scored node is offered');
    t.equal(best.FailedNodes['split-0'], 'kubehpc: fits, but another node scores better for this pod');
    t.match(best.FailedAndUnresolvableNodes['general-0'] ?? best.FailedNodes['general-0'], /local disk/);
    t.same(
      (await call('/filter', 'b', ['split-0'])).json().NodeNames,
      ['split-0'],
      'the node left out holds nothing for pod a: 400Gi still fit beside it',
    );
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    t.match(metrics.body, /kubehpc_extender_nodes_narrowed_total 1/);
    t.match(metrics.body, /kubehpc_extender_requests_total\{verb="filter-best",code="200"\} 1/);
  },
);

t.test('filter-best with ties keeps every tied node', async (t) => {
  const app = server();
  const res = await app.inject({
    method: 'POST',
    url: '/filter-best',
    payload: { Pod: pod('tied', { cpu: '1', memory: '1Gi' }), Nodes: null, NodeNames: ['hpc-0', 'split-0'] },
  });
  t.same(res.json().NodeNames, ['hpc-0', 'split-0'], 'a pod no score applies to keeps every node');
});
