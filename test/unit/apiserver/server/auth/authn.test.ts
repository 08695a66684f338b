// Authentication by certificate against CAs issued for the test by the platform's own PKI code.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseAuthConfig } from '../../../../../apiserver/src/server/auth/authconfig.ts';
import {
  authenticateCertificate,
  requestHeaderUser,
} from '../../../../../apiserver/src/server/auth/authn.ts';
import { ensurePki, pkiPlan } from '../../../../../platform/src/pki.ts';

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-authn-'));
const foreign = await mkdtemp(join(tmpdir(), 'kubehpc-authn-foreign-'));
t.teardown(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(foreign, { recursive: true, force: true });
});
await ensurePki(dir, pkiPlan('10.96.0.1'));
await ensurePki(foreign, pkiPlan('10.96.0.1'));
const read = (d: string, f: string) => readFile(join(d, f), 'utf8');
const cert = async (d: string, f: string) => new X509Certificate(await read(d, `${f}.crt`));

const config = parseAuthConfig({
  'client-ca-file': await read(dir, 'ca.crt'),
  'requestheader-client-ca-file': await read(dir, 'front-proxy-ca.crt'),
  'requestheader-allowed-names': '["front-proxy-client"]',
  'requestheader-username-headers': '["X-Remote-User"]',
  'requestheader-uid-headers': '["X-Remote-Uid"]',
  'requestheader-group-headers': '["X-Remote-Group"]',
  'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
});

const headers = {
  'x-remote-user': 'alice',
  'x-remote-group': ['devs', 'ops'],
  'x-remote-extra-scopes': 'a,b',
  'x-remote-uid': 'u-1',
};

t.test('the front proxy speaks for the user in the X-Remote-* headers', async (t) => {
  const outcome = authenticateCertificate(await cert(dir, 'front-proxy-client'), headers, config);
  t.same(outcome, {
    kind: 'user',
    user: {
      username: 'alice',
      uid: 'u-1',
      groups: ['devs', 'ops', 'system:authenticated'],
      extra: { scopes: ['a', 'b'] },
    },
  });
});

t.test('a client certificate of the client CA is its own user; headers are ignored', async (t) => {
  const outcome = authenticateCertificate(await cert(dir, 'admin'), headers, config);
  t.same(outcome, {
    kind: 'user',
    user: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'], extra: {} },
  });
});

t.test('forged or misplaced certificates never authenticate', async (t) => {
  t.same(
    authenticateCertificate(undefined, headers, config),
    { kind: 'none' },
    'no certificate: headers mean nothing',
  );
  const foreignProxy = authenticateCertificate(await cert(foreign, 'front-proxy-client'), headers, config);
  t.equal(foreignProxy.kind, 'rejected', 'a front-proxy certificate of another CA');
  const notAllowed = authenticateCertificate(await cert(dir, 'front-proxy-client'), headers, {
    ...config,
    allowedNames: ['someone-else'],
  });
  t.equal(notAllowed.kind, 'rejected', 'a proxy name that is not allowed');
  const noUser = authenticateCertificate(await cert(dir, 'front-proxy-client'), {}, config);
  t.equal(noUser.kind, 'rejected', 'a proxied request without a user');
  const swapped = authenticateCertificate(await cert(dir, 'admin'), headers, {
    ...config,
    clientCAs: config.requestHeaderCAs,
  });
  t.equal(swapped.kind, 'rejected', 'a client certificate is not a front-proxy certificate');
  const expired = authenticateCertificate(await cert(dir, 'admin'), headers, config, new Date('2100-01-01'));
  t.equal(expired.kind, 'rejected', 'an expired certificate');
  const serverOnly = authenticateCertificate(await cert(dir, 'kwok-serving'), headers, config);
  t.equal(serverOnly.kind, 'rejected', 'a serving certificate is not for client auth');
});

t.test('requestHeaderUser reads only configured headers', async (t) => {
  t.equal(requestHeaderUser({ 'x-other-user': 'bob' }, config), undefined);
});
