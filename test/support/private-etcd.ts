// An etcd of a test's own: the platform's cached etcd binary on free ports and a temporary data
// directory, with the platform's TLS (its server certificate, client-certificate auth against the
// cluster CA), so a test that compacts or otherwise disturbs the whole keyspace does it where no
// other test looks. Stopped (and its data removed) by the test's teardown.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdClient } from '../../apiserver/src/storage/etcd/client.ts';
import { ensureBinaries } from '../../platform/src/binaries.ts';
import { HOST } from '../../platform/src/layout.ts';
import { eventually, platform } from './cluster.ts';

export interface PrivateEtcd {
  /** https://127.0.0.1:<port>, for --etcd-servers or an EtcdClient. */
  endpoint: string;
  /** A client with the kubehpc API server's etcd client certificate. */
  client(): EtcdClient;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const pki = (file: string) => join(platform.pkiDir, file);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    probe.once('error', reject);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts an etcd for this test alone; resolves once it answers a read. */
export async function privateEtcd(t: Teardown): Promise<PrivateEtcd> {
  const bin = await ensureBinaries(platform.repoRoot, platform.cacheDir, () => undefined);
  const dataDir = await mkdtemp(join(tmpdir(), 'kubehpc-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `https://${HOST}:${clientPort}`;
  const peer = `http://${HOST}:${peerPort}`;
  let log = '';
  const child = spawn(
    bin.etcd,
    [
      '--name=private',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=private=${peer}`,
      `--cert-file=${pki('etcd-server.crt')}`,
      `--key-file=${pki('etcd-server.key')}`,
      `--trusted-ca-file=${pki('ca.crt')}`,
      '--client-cert-auth=true',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited(child);
    await rm(dataDir, { recursive: true, force: true });
  });
  const client = () =>
    new EtcdClient({
      endpoint,
      caFile: pki('ca.crt'),
      certFile: pki('kubehpc-apiserver-etcd-client.crt'),
      keyFile: pki('kubehpc-apiserver-etcd-client.key'),
    });
  const probe = client();
  try {
    await eventually(
      `the private etcd on ${endpoint} to answer`,
      async () => {
        if (child.exitCode !== null) throw new Error(`the private etcd exited: ${log}`);
        return (await probe.range({ key: '/', countOnly: true }).catch(() => undefined)) ? true : undefined;
      },
      30_000,
    );
  } finally {
    probe.close();
  }
  return { endpoint, client };
}
