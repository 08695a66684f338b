// Serving certificate hot reload: when the certificate and key files are replaced (as kubelet
// does when a Secret is renewed), the running server presents the new certificate to new
// connections, with no restart, and still authenticates clients as before.

import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ensurePki, pkiPlan } from '../../../platform/src/pki.ts';
import { eventually, platform } from '../../support/cluster.ts';
import { startTestServer } from './support.ts';

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-serving-'));
const renewed = await mkdtemp(join(tmpdir(), 'kubehpc-serving-renewed-'));
t.teardown(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(renewed, { recursive: true, force: true });
});
// The renewal comes from a different CA, so which certificate is served is unambiguous.
await ensurePki(renewed, pkiPlan('10.96.0.1'));
const certFile = join(dir, 'tls.crt');
const keyFile = join(dir, 'tls.key');
await copyFile(join(platform.pkiDir, 'kubehpc-apiserver-serving.crt'), certFile);
await copyFile(join(platform.pkiDir, 'kubehpc-apiserver-serving.key'), keyFile);

const server = await startTestServer({
  args: [`--tls-cert-file=${certFile}`, `--tls-private-key-file=${keyFile}`],
});
t.teardown(() => server.running.stop());

/** GET as the platform's admin, trusting only `caFile`; the status, or the TLS error. */
async function getTrusting(caFile: string, path: string): Promise<number | string> {
  const [ca, cert, key] = await Promise.all([
    readFile(caFile),
    readFile(join(platform.pkiDir, 'admin.crt')),
    readFile(join(platform.pkiDir, 'admin.key')),
  ]);
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, ca, cert, key, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** Replaces a file the way a renewal does: write aside, then rename over it. */
async function replace(file: string, from: string): Promise<void> {
  const aside = `${file}.${randomBytes(3).toString('hex')}`;
  await writeFile(aside, await readFile(from));
  await rename(aside, file);
}

t.test('a renewed serving certificate is served without a restart', async (t) => {
  const platformCA = join(platform.pkiDir, 'ca.crt');
  const renewedCA = join(renewed, 'ca.crt');
  const discovery = '/apis/apps.kubehpc.dev/v1alpha1';
  t.equal(await getTrusting(platformCA, discovery), 200);
  t.not(await getTrusting(renewedCA, discovery), 200, 'the renewal is not served yet');

  await replace(keyFile, join(renewed, 'kubehpc-apiserver-serving.key'));
  await replace(certFile, join(renewed, 'kubehpc-apiserver-serving.crt'));
  await eventually('the renewed certificate to be served', async () =>
    (await getTrusting(renewedCA, '/livez')) === 200 ? true : undefined,
  );
  t.equal(await getTrusting(renewedCA, discovery), 200, 'clients still authenticate after the reload');
  t.not(await getTrusting(platformCA, discovery), 200, 'the old certificate is no longer served');
});
