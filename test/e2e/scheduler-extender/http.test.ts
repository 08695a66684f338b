// The running extender of the local platform answers bad requests with catalogued errors
// and keeps serving: what kube-scheduler (or anything else on its port) can throw at it.

import { connect } from 'node:net';
import t from 'tap';
import { HOST } from '../../../platform/src/layout.ts';
import { platform } from '../../support/cluster.ts';

const port = platform.ports.schedulerExtender;
const base = `http://${HOST}:${port}`;
const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

/**
 * A POST that declares a body of `bytes` and sends only its first few: the server must refuse
 * it by the declared length, before reading it. (Uploading the whole body races the server's
 * early answer: it closes the connection and the upload fails with EPIPE, now and then
 * before the client has read the answer.)
 */
function postDeclaringTooLarge(path: string, bytes: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, HOST);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 30 s')), 30_000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const head = text.slice(0, split);
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? Number.NaN);
      const body = text.slice(split + 4);
      if (!(Buffer.byteLength(body) >= length)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) });
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${bytes}\r\n\r\n{"Pod":{},"NodeNames":["nnnn`,
    );
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

  const huge = await postDeclaringTooLarge('/filter', 9 * 1024 * 1024);
  t.equal(huge.status, 413);
  t.match(huge.body, { Code: 'BODY_TOO_LARGE' });

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
