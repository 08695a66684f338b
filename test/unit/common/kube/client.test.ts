// The HTTPS client's contract against a real local HTTP server: headers it sends, JSON in and
// out, metav1.Status errors turned into ApiError with causes, unreachable servers, streams.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import {
  ApiError,
  apiError,
  kubeClient,
  queryString,
  UnreachableError,
} from '../../../../common/kube/client.ts';
import type { RestConfig } from '../../../../common/kube/kubeconfig.ts';

async function serve(handler: (req: IncomingMessage, body: string) => { status: number; body: string }) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answer = handler(req, body);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const config = (server: string): RestConfig => ({
  server,
  contextName: 'x',
  clusterName: 'c',
  userName: 'u',
  namespace: 'default',
  namespaceExplicit: false,
  insecure: false,
  token: 'secret',
  impersonate: { user: 'bob', groups: ['g1', 'g2'] },
});

t.test('sends the token, impersonation and content type, and parses the JSON answer', async (t) => {
  const seen: IncomingMessage[] = [];
  const { server, url } = await serve((req, body) => {
    seen.push(req);
    return { status: 200, body: JSON.stringify({ echoed: body, url: req.url }) };
  });
  t.teardown(() => server.close());
  const client = await kubeClient(config(url));
  t.teardown(() => client.close());
  const answer = await client.request<{ echoed: string; url: string }>('PATCH', '/apis/x', {
    body: 'a: 1',
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: 'me', force: undefined },
  });
  t.same(answer, { echoed: 'a: 1', url: '/apis/x?fieldManager=me' });
  const h = seen[0]?.headers ?? {};
  t.same(
    [h.authorization, h['impersonate-user'], h['impersonate-group'], h['content-type']],
    ['Bearer secret', 'bob', 'g1, g2', 'application/apply-patch+yaml'],
  );
  t.equal(h['user-agent'], 'kubectl-hpc', 'the plugin by default');
});

t.test('a program names itself in User-Agent', async (t) => {
  const agents: Array<string | undefined> = [];
  const { server, url } = await serve((req) => {
    agents.push(req.headers['user-agent']);
    return { status: 200, body: '{}' };
  });
  t.teardown(() => server.close());
  const client = await kubeClient(config(url), 0, 'kubehpc-controllers');
  t.teardown(() => client.close());
  await client.request('GET', '/api/v1/namespaces');
  t.same(agents, ['kubehpc-controllers']);
});

t.test('an error Status becomes an ApiError with code, reason and causes', async (t) => {
  const status = {
    kind: 'Status',
    status: 'Failure',
    reason: 'Invalid',
    code: 422,
    message: 'ProjectService "p" is invalid',
    details: { name: 'p', causes: [{ field: 'spec.replicas', message: 'must be ≥ 0' }] },
  };
  const { server, url } = await serve(() => ({ status: 422, body: JSON.stringify(status) }));
  t.teardown(() => server.close());
  const client = await kubeClient(config(url));
  t.teardown(() => client.close());
  const error = await client.request('POST', '/x', { body: {} }).catch((e: unknown) => e);
  t.ok(error instanceof ApiError);
  const e = error as ApiError;
  t.same([e.code, e.reason, e.causes[0]?.field, e.details.name], [422, 'Invalid', 'spec.replicas', 'p']);
  t.equal(
    apiError(502, 'bad gateway', 'GET', '/').message,
    'bad gateway',
    'a non-Status body is the message',
  );
});

t.test('a server that is not there is UnreachableError naming it', async (t) => {
  const { server, url } = await serve(() => ({ status: 200, body: '{}' }));
  await new Promise((r) => server.close(r));
  const client = await kubeClient(config(url));
  const error = await client.request('GET', '/').catch((e: unknown) => e);
  t.ok(error instanceof UnreachableError);
  t.match((error as Error).message, `cannot reach the cluster at ${url}`);
});

t.test('streams deliver whole lines', async (t) => {
  const { server, url } = await serve(() => ({ status: 200, body: 'one\ntwo\nthree' }));
  t.teardown(() => server.close());
  const client = await kubeClient(config(url));
  t.teardown(() => client.close());
  const lines: string[] = [];
  await client.stream('/log', { follow: true }, (l) => lines.push(l));
  t.same(lines, ['one', 'two', 'three']);
  t.equal(queryString({ a: 1, b: undefined, c: '' }), '?a=1');
});
