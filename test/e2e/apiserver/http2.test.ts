// The secure port speaks HTTP/2 (ALPN h2) with HTTP/1.1 beside it: requests, watches, client
// certificates (direct and front-proxy) and Status errors behave alike over both, --http2=false
// offers HTTP/1.1 only, and kube-apiserver's aggregator reaches the platform's server over h2.

import { readFileSync } from 'node:fs';
import { type ClientHttp2Session, connect as connectHttp2, constants } from 'node:http2';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import t from 'tap';
import { eventually, kubectl, platform, testNamespace } from '../../support/cluster.ts';
import { call, openWatch, PS_PATH, projectService, startTestServer } from './support.ts';

const pki = (file: string) => readFileSync(join(platform.pkiDir, file));

const server = await startTestServer();
t.teardown(() => server.running.stop());
const ns = await testNamespace(t, 'h2');

type Identity = 'admin' | 'front-proxy-client' | 'none';

function session(port: number, as: Identity = 'admin'): ClientHttp2Session {
  return connectHttp2(`https://127.0.0.1:${port}`, {
    ca: pki('ca.crt'),
    ...(as === 'none' ? {} : { cert: pki(`${as}.crt`), key: pki(`${as}.key`) }),
  });
}

interface H2Response {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  json: Record<string, unknown>;
}

function h2call(
  s: ClientHttp2Session,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = s.request({
      [constants.HTTP2_HEADER_METHOD]: method,
      [constants.HTTP2_HEADER_PATH]: path,
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    });
    let headers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => {
      headers = h;
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      resolve({ status: Number(headers[':status']), headers, text, json });
    });
    stream.on('error', reject);
    stream.end(options.body);
  });
}

/** The protocol ALPN picks when a client offers `offer`. */
function negotiated(port: number, offer: string[]): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, ca: pki('ca.crt'), ALPNProtocols: offer }, () => {
      resolve(socket.alpnProtocol ?? false);
      socket.end();
    });
    socket.on('error', reject);
  });
}

function counter(metrics: string, name: string, protocol: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{protocol="${protocol}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

t.test('ALPN: h2 when offered, HTTP/1.1 otherwise, HTTP/1.1 only with --http2=false', async (t) => {
  t.equal(await negotiated(server.port, ['h2', 'http/1.1']), 'h2');
  t.equal(await negotiated(server.port, ['http/1.1']), 'http/1.1');
  const h1only = await startTestServer({ args: ['--http2=false'] });
  t.teardown(() => h1only.running.stop());
  t.equal(await negotiated(h1only.port, ['h2', 'http/1.1']), 'http/1.1');
  const list = await call(h1only.port, 'GET', PS_PATH(ns));
  t.equal(list.status, 200, 'an HTTP/1.1-only server still serves');
});

t.test(
  'over HTTP/2: get, Table, front-proxy user, Status errors, one session for many requests',
  async (t) => {
    const s = session(server.port);
    t.teardown(() => s.close());
    const created = await h2call(s, 'POST', PS_PATH(ns), { body: JSON.stringify(projectService('over-h2')) });
    t.equal(created.status, 201, 'created over HTTP/2');
    const got = await h2call(s, 'GET', PS_PATH(ns, 'over-h2'));
    t.equal(got.status, 200);
    t.equal((got.json.metadata as { name: string }).name, 'over-h2');
    t.match(got.headers['content-type'], /^application\/json/);
    const asTable = await h2call(s, 'GET', PS_PATH(ns), {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    t.equal(asTable.json.kind, 'Table');
    const missing = await h2call(s, 'GET', PS_PATH(ns, 'absent'));
    t.equal(missing.status, 404);
    t.equal(missing.json.kind, 'Status');
    t.equal(missing.json.reason, 'NotFound');
    const tooLarge = await h2call(s, 'POST', PS_PATH(ns), { body: Buffer.alloc(4 * 1024 * 1024, 32) });
    t.equal(tooLarge.status, 413, 'the body limit holds over HTTP/2');
    t.equal(tooLarge.json.kind, 'Status');

    const concurrent = await Promise.all(
      Array.from({ length: 16 }, () => h2call(s, 'GET', PS_PATH(ns, 'over-h2'))),
    );
    t.same(
      concurrent.map((r) => r.status),
      Array(16).fill(200),
      '16 concurrent streams on one session',
    );

    const anonymous = session(server.port, 'none');
    t.teardown(() => anonymous.close());
    t.equal((await h2call(anonymous, 'GET', PS_PATH(ns))).status, 401, 'no certificate: 401');
    const proxy = session(server.port, 'front-proxy-client');
    t.teardown(() => proxy.close());
    t.equal((await h2call(proxy, 'GET', PS_PATH(ns))).status, 401, 'front proxy without a user header');
    const proxied = await h2call(proxy, 'GET', PS_PATH(ns), {
      headers: { 'x-remote-user': 'kubernetes-admin', 'x-remote-group': 'system:masters' },
    });
    t.equal(proxied.status, 200, 'the front proxy speaks for the user in its headers over HTTP/2');
  },
);

t.test('a watch over HTTP/2 gets each event as it happens, the stream staying open', async (t) => {
  const s = session(server.port);
  t.teardown(() => s.close());
  const list = await h2call(s, 'GET', PS_PATH(ns));
  const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
  const events: Array<{ type: string; object: { metadata: { name: string } } }> = [];
  let status = 0;
  let ended = false;
  const stream = s.request({
    ':path': `${PS_PATH(ns)}?watch=true&resourceVersion=${rv}&timeoutSeconds=30`,
  });
  let buffer = '';
  stream.on('response', (h) => {
    status = Number(h[':status']);
  });
  stream.on('data', (c: Buffer) => {
    buffer += c.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    ended = true;
  });
  t.teardown(() => stream.close());
  await eventually('watch open', async () => (status === 200 ? true : undefined), 10_000);
  // Each event must arrive while the stream stays open: one created, seen, then the next.
  for (const name of ['watched-a', 'watched-b']) {
    await h2call(s, 'POST', PS_PATH(ns), { body: JSON.stringify(projectService(name)) });
    await eventually(
      `ADDED ${name}`,
      async () => (events.some((e) => e.object.metadata.name === name) ? true : undefined),
      10_000,
    );
  }
  t.same(
    events.map((e) => [e.type, e.object.metadata.name]),
    [
      ['ADDED', 'watched-a'],
      ['ADDED', 'watched-b'],
    ],
  );
  t.notOk(ended, 'the stream is still open');
});

t.test('HTTP/1.1 still works: keep-alive requests and a chunked watch', async (t) => {
  const got = await call(server.port, 'GET', PS_PATH(ns));
  t.equal(got.status, 200);
  t.equal(got.json.kind, 'ProjectServiceList');
  const rv = (got.json.metadata as { resourceVersion: string }).resourceVersion;
  const watch = openWatch(server.port, `${PS_PATH(ns)}?watch=true&resourceVersion=${rv}`);
  t.teardown(() => watch.stop());
  await eventually('watch open', async () => (watch.status() === 200 ? true : undefined), 10_000);
  await call(server.port, 'POST', PS_PATH(ns), { body: projectService('over-h1') });
  await eventually('ADDED over-h1', async () => (watch.events.length >= 1 ? true : undefined), 10_000);
  t.same(
    watch.events.map((e) => [e.type, (e.object.metadata as { name: string }).name]),
    [['ADDED', 'over-h1']],
  );
  const metrics = await call(server.port, 'GET', '/metrics');
  t.ok(counter(metrics.text, 'kubehpc_apiserver_tls_connections_total', 'http/1.1') >= 2);
  t.ok(counter(metrics.text, 'kubehpc_apiserver_resource_requests_by_protocol_total', 'http/1.1') >= 3);
});

t.test("kube-apiserver's aggregator proxies to the platform's server over HTTP/2", async (t) => {
  const port = platform.ports.kubehpcApiserver;
  const before = counter(
    (await call(port, 'GET', '/metrics')).text,
    'kubehpc_apiserver_resource_requests_by_protocol_total',
    'h2',
  );
  // Only the aggregator sends resource requests to the platform's server over h2 (this file's
  // own h2 clients talk to the in-process server), so this counter grows only if it does.
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      kubectl(['get', '--raw', `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`]),
    ),
  );
  t.same(
    results.map((r) => r.code),
    Array(8).fill(0),
  );
  const after = counter(
    (await call(port, 'GET', '/metrics')).text,
    'kubehpc_apiserver_resource_requests_by_protocol_total',
    'h2',
  );
  t.ok(after - before >= 8, `h2 resource requests grew by ${after - before} (at least 8)`);
});

t.test('closing the server ends watches over both protocols, even ones it was not told about', async (t) => {
  const closing = await startTestServer();
  t.teardown(() => closing.running.stop().catch(() => undefined));
  const list = await call(closing.port, 'GET', PS_PATH(ns));
  const rv = (list.json.metadata as { resourceVersion: string }).resourceVersion;
  const h1 = openWatch(closing.port, `${PS_PATH(ns)}?watch=true&resourceVersion=${rv}`);
  t.teardown(() => h1.stop());
  const s = session(closing.port);
  t.teardown(() => s.destroy());
  const h2 = s.request({ ':path': `${PS_PATH(ns)}?watch=true&resourceVersion=${rv}` });
  let h2Status = 0;
  h2.on('response', (h) => {
    h2Status = Number(h[':status']);
  });
  h2.resume();
  const h2Ended = new Promise<void>((resolve) => h2.once('close', () => resolve()));
  await eventually(
    'both watches open',
    async () => (h1.status() === 200 && h2Status === 200 ? true : undefined),
    10_000,
  );
  // app.close() directly, as if these watches had arrived after stop() ended the known ones:
  // an open HTTP/2 stream or HTTP/1.1 connection would otherwise hold the close forever.
  const outcome = await Promise.race([
    Promise.all([closing.running.app.close(), h2Ended]).then(() => 'closed'),
    new Promise((resolve) => setTimeout(() => resolve('still waiting'), 60_000).unref()),
  ]);
  t.equal(outcome, 'closed');
  await eventually('the HTTP/1.1 watch ended', async () => (h1.ended() ? true : undefined), 10_000);
});
