// The local platform's certificates: which ones exist, who signs them and what they say
// (a pure plan), and writing them once to .local/pki (the edge). Two independent CAs:
// the cluster CA signs serving and client certificates; the front-proxy CA signs only the
// aggregation layer's proxy client, so a client certificate can never pass as the proxy.

import { KeyObject, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs the polyfill loaded first
import * as x509 from '@peculiar/x509';
import {
  APISERVER_SERVICE,
  REAL_NODE_ADDRESS,
  REAL_NODE_NAME,
  SYSTEM_NAMESPACE,
} from '../../common/names.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export type CaName = 'ca' | 'front-proxy-ca';

export interface CertificateSpec {
  /** File stem under the pki folder: `<file>.crt` and `<file>.key`. */
  file: string;
  issuer: CaName;
  commonName: string;
  organizations: string[];
  usage: Array<'server' | 'client'>;
  dnsNames: string[];
  ipAddresses: string[];
}

export interface PkiPlan {
  cas: Array<{ file: CaName; commonName: string }>;
  certificates: CertificateSpec[];
}

/** The names of the identities the platform's own components use. */
export const IDENTITIES = {
  admin: { commonName: 'kubernetes-admin', organizations: ['system:masters'] },
  controllerManager: { commonName: 'system:kube-controller-manager', organizations: [] },
  scheduler: { commonName: 'system:kube-scheduler', organizations: [] },
  kwok: { commonName: 'kubehpc:kwok', organizations: ['system:masters'] },
  frontProxy: { commonName: 'front-proxy-client', organizations: [] },
  apiserverKubeletClient: { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] },
  /** The scheduler extender's informers; RBAC: manifests/scheduler-extender/clusterrole.yaml. */
  schedulerExtender: { commonName: 'kubehpc:scheduler-extender', organizations: [] },
  kubehpcApiserverEtcdClient: { commonName: 'kubehpc-apiserver-etcd-client', organizations: [] },
  /** How the kubehpc API server calls kube-apiserver (TokenReview, SubjectAccessReview). */
  kubehpcApiserver: { commonName: 'kubehpc:apiserver', organizations: [] },
  /** The kubehpc controllers; RBAC: manifests/apiserver/controller-rbac.yaml. */
  kubehpcControllerManager: { commonName: 'kubehpc:controller-manager', organizations: [] },
  /** metrics-server towards kube-apiserver and the kubelets; RBAC: components/metrics-server.ts. */
  metricsServer: { commonName: 'kubehpc:metrics-server', organizations: [] },
  /** The real node's kubelet: a node identity, so the Node authorizer and NodeRestriction apply. */
  realNodeKubelet: { commonName: `system:node:${REAL_NODE_NAME}`, organizations: ['system:nodes'] },
} as const;

const LOOPBACK_NAMES = ['localhost'];
const LOOPBACK_IPS = ['127.0.0.1'];

/** Everything the platform needs; extra server names let other serving certs join later. */
export function pkiPlan(serviceIp: string): PkiPlan {
  const client = (
    file: string,
    id: { commonName: string; organizations: readonly string[] },
  ): CertificateSpec => ({
    file,
    issuer: 'ca',
    commonName: id.commonName,
    organizations: [...id.organizations],
    usage: ['client'],
    dnsNames: [],
    ipAddresses: [],
  });
  const server = (file: string, commonName: string, dnsNames: string[] = [], ips: string[] = []) => ({
    file,
    issuer: 'ca' as const,
    commonName,
    organizations: [],
    usage: ['server' as const],
    dnsNames: [...LOOPBACK_NAMES, ...dnsNames],
    ipAddresses: [...LOOPBACK_IPS, ...ips],
  });
  return {
    cas: [
      { file: 'ca', commonName: 'kubehpc-local-ca' },
      { file: 'front-proxy-ca', commonName: 'kubehpc-local-front-proxy-ca' },
    ],
    certificates: [
      server(
        'apiserver',
        'kube-apiserver',
        [
          'kubernetes',
          'kubernetes.default',
          'kubernetes.default.svc',
          'kubernetes.default.svc.cluster.local',
        ],
        [serviceIp],
      ),
      { ...server('etcd-server', 'etcd'), usage: ['server', 'client'] },
      server('controller-manager-serving', 'kube-controller-manager'),
      server('scheduler-serving', 'kube-scheduler'),
      server('kwok-serving', 'kwok'),
      // The aggregator dials the ExternalName Service, so it verifies this Service DNS name.
      server('kubehpc-apiserver-serving', APISERVER_SERVICE, [
        `${APISERVER_SERVICE}.${SYSTEM_NAMESPACE}.svc`,
        `${APISERVER_SERVICE}.${SYSTEM_NAMESPACE}.svc.cluster.local`,
      ]),
      // The aggregator dials metrics-server's ExternalName Service by its Service DNS name too.
      server('metrics-server-serving', 'metrics-server', [
        'metrics-server.kube-system.svc',
        'metrics-server.kube-system.svc.cluster.local',
      ]),
      client('metrics-server', IDENTITIES.metricsServer),
      // The real node's kubelet serves logs, exec and metrics to kube-apiserver on loopback.
      server('kubelet-serving', REAL_NODE_NAME, [REAL_NODE_NAME], [REAL_NODE_ADDRESS]),
      client('kubelet-client', IDENTITIES.realNodeKubelet),
      client('kubehpc-apiserver-etcd-client', IDENTITIES.kubehpcApiserverEtcdClient),
      client('kubehpc-apiserver-client', IDENTITIES.kubehpcApiserver),
      client('kubehpc-controller-manager', IDENTITIES.kubehpcControllerManager),
      client('apiserver-etcd-client', { commonName: 'kube-apiserver-etcd-client', organizations: [] }),
      client('apiserver-kubelet-client', IDENTITIES.apiserverKubeletClient),
      client('admin', IDENTITIES.admin),
      client('controller-manager', IDENTITIES.controllerManager),
      client('scheduler', IDENTITIES.scheduler),
      client('kwok', IDENTITIES.kwok),
      client('scheduler-extender', IDENTITIES.schedulerExtender),
      { ...client('front-proxy-client', IDENTITIES.frontProxy), issuer: 'front-proxy-ca' },
    ],
  };
}

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function privateKeyPem(key: Key): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function newKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
}

async function importPrivateKey(pemText: string): Promise<Key> {
  const der = Buffer.from(pemText.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

function distinguishedName(commonName: string, organizations: string[]): x509.JsonName {
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

interface LoadedCa {
  cert: x509.X509Certificate;
  key: Key;
}

async function ensureCa(dir: string, file: string, commonName: string): Promise<LoadedCa> {
  const crtPath = join(dir, `${file}.crt`);
  const keyPath = join(dir, `${file}.key`);
  if (existsSync(crtPath) && existsSync(keyPath)) {
    return {
      cert: new x509.X509Certificate(await readFile(crtPath, 'utf8')),
      key: await importPrivateKey(await readFile(keyPath, 'utf8')),
    };
  }
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: distinguishedName(commonName, []),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 10 * YEAR_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await writeFile(keyPath, privateKeyPem(keys.privateKey), { mode: 0o600 });
  await writeFile(crtPath, cert.toString('pem'));
  return { cert, key: keys.privateKey };
}

async function issue(dir: string, spec: CertificateSpec, ca: LoadedCa): Promise<void> {
  const keys = await newKeys();
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [
    ...spec.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...spec.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const usages = spec.usage.map((u) =>
    u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
  );
  const cert = await x509.X509CertificateGenerator.create({
    subject: distinguishedName(spec.commonName, spec.organizations),
    issuer: ca.cert.subjectName,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + YEAR_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(usages),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  await writeFile(join(dir, `${spec.file}.key`), privateKeyPem(keys.privateKey), {
    mode: 0o600,
  });
  await writeFile(join(dir, `${spec.file}.crt`), cert.toString('pem'));
}

/** Writes whatever part of the plan is missing; existing files are kept as they are. */
export async function ensurePki(dir: string, plan: PkiPlan): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cas = new Map<CaName, LoadedCa>();
  for (const ca of plan.cas) cas.set(ca.file, await ensureCa(dir, ca.file, ca.commonName));
  for (const spec of plan.certificates) {
    if (existsSync(join(dir, `${spec.file}.crt`)) && existsSync(join(dir, `${spec.file}.key`))) continue;
    const ca = cas.get(spec.issuer);
    if (!ca) throw new Error(`certificate ${spec.file} names unknown issuer ${spec.issuer}`);
    await issue(dir, spec, ca);
  }
  await ensureServiceAccountKeys(dir);
}

/** The key pair kube-apiserver signs service-account tokens with. */
async function ensureServiceAccountKeys(dir: string): Promise<void> {
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  if (existsSync(keyPath) && existsSync(pubPath)) return;
  const keys = await newKeys();
  await writeFile(keyPath, privateKeyPem(keys.privateKey), { mode: 0o600 });
  const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey);
  await writeFile(pubPath, pem('PUBLIC KEY', spki));
}
