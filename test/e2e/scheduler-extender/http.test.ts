// The running extender of the local platform answers bad requests with catalogued errors
// and keeps serving: what kube-scheduler (or anything else on its port) can throw at it.

import { request } from 'node:http';
import t from 'tap';
import { HOST } from '../../../platform/src/layout.ts';
import { platform } from '../../support/cluster.ts';

const base = `http://${HOST}:${platform.ports.schedulerExtender}`;
const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

/**
 * A POST that declares `declared` bytes and sends only the first kilobyte, then waits for the
 * answer. A client that kept uploading after the server refused would race the server's close
 * (EPIPE or a reset instead of the 413); declaring the size is what a scheduler's client does.
 */
function postDeclaring(path: string, declared: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declared) },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(`{"Pod":{},"NodeNames":["${'n'.repeat(1024)}`);
  });
}

t.test('malformed JSON, wrong shapes and huge bodies get clear errors; the server stays up', async (t) => {
  const malformed = await post('/filter', '{"Pod": {"metadata": ');
  t.equal(malformed.status, 400);
  t.match(await malformed.json(), { Code: 'MALFORMED_JSON' });

  const wrongShape = await post(
    '/prioritize',
    JSON.stringify({ Pod: { metadata: { name: 'p' } }, NodeNames: 'hpc-0' }),
  );
  t.equal(wrongShape.status, 400);
  t.match(await wrongShape.json(), { Code: 'INVALID_ARGS', Error: /NodeNames must be a list/ });

  const huge = await postDeclaring('/filter', 9 * 1024 * 1024);
  t.equal(huge.status, 413);
  t.match(JSON.parse(huge.body), { Code: 'BODY_TOO_LARGE' });

  const unknown = await post(
    '/filter',
    JSON.stringify({
      Pod: {
        metadata: { name: 'p', namespace: 'ns', uid: 'e2e-http-unknown' },
        spec: { containers: [{ resources: { limits: { 'kubehpc.dev/sriov-vf': '1' } } }] },
      },
      Nodes: null,
      NodeNames: ['no-such-node'],
    }),
  );
  t.equal(unknown.status, 200);
  t.match(await unknown.json(), {
    NodeNames: [],
    FailedNodes: { 'no-such-node': /not in the extender's cache/ },
  });

  const health = await fetch(`${base}/healthz`);
  t.equal(health.status, 200, 'still serving');
});
