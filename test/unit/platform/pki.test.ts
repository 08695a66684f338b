import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SERVICE_IP } from '../../../platform/src/components/specs.ts';
import { ensurePki, pkiPlan } from '../../../platform/src/pki.ts';

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-pki-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
await ensurePki(dir, pkiPlan(SERVICE_IP));
const cert = async (name: string) => new X509Certificate(await readFile(join(dir, `${name}.crt`)));

t.test('the front-proxy CA is a separate CA that alone signs the proxy client', async (t) => {
  const ca = await cert('ca');
  const frontProxyCa = await cert('front-proxy-ca');
  const proxyClient = await cert('front-proxy-client');
  t.ok(ca.ca && frontProxyCa.ca, 'both are CAs');
  t.not(ca.fingerprint256, frontProxyCa.fingerprint256, 'distinct certificates');
  t.not(
    ca.publicKey.export({ type: 'spki', format: 'pem' }),
    frontProxyCa.publicKey.export({ type: 'spki', format: 'pem' }),
  );
  t.ok(proxyClient.verify(frontProxyCa.publicKey), 'proxy client signed by the front-proxy CA');
  t.notOk(proxyClient.verify(ca.publicKey), 'not by the cluster CA');
  t.match(proxyClient.subject, /CN=front-proxy-client/);
  const admin = await cert('admin');
  t.notOk(admin.verify(frontProxyCa.publicKey), 'a cluster client cert cannot pass as the proxy');
});

t.test('serving certificates carry the names clients dial', async (t) => {
  const apiserver = await cert('apiserver');
  for (const name of [
    'DNS:localhost',
    'DNS:kubernetes.default.svc',
    'IP Address:127.0.0.1',
    `IP Address:${SERVICE_IP}`,
  ]) {
    t.match(apiserver.subjectAltName ?? '', name);
  }
  t.ok(apiserver.checkIP('127.0.0.1'));
  t.ok(apiserver.verify((await cert('ca')).publicKey));
  t.notOk(apiserver.ca);
  t.ok((await cert('etcd-server')).checkIP('127.0.0.1'));
});

t.test('client identities have the groups RBAC expects', async (t) => {
  t.match((await cert('admin')).subject, /O=system:masters/);
  t.match((await cert('controller-manager')).subject, /CN=system:kube-controller-manager/);
  t.match((await cert('scheduler')).subject, /CN=system:kube-scheduler/);
});

t.test('running again keeps every existing file', async (t) => {
  const before = await readFile(join(dir, 'apiserver.crt'), 'utf8');
  const key = await readFile(join(dir, 'sa.key'), 'utf8');
  await ensurePki(dir, pkiPlan(SERVICE_IP));
  t.equal(await readFile(join(dir, 'apiserver.crt'), 'utf8'), before);
  t.equal(await readFile(join(dir, 'sa.key'), 'utf8'), key);
});

t.test('a missing certificate is reissued from the existing CA', async (t) => {
  const ca = await cert('ca');
  await rm(join(dir, 'scheduler.crt'));
  await ensurePki(dir, pkiPlan(SERVICE_IP));
  t.ok((await cert('scheduler')).verify(ca.publicKey));
  t.equal((await cert('ca')).fingerprint256, ca.fingerprint256, 'the CA itself is kept');
});
