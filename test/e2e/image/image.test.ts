// kubehpc's container image builds with podman from this checkout (or is found by its content
// hash), runs as a non-root user on a read-only root filesystem with no shell in it, and every
// program starts inside it: the API server serves /livez against the platform's etcd, the
// others answer --help.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { buildImage, podmanEnv } from '../../../image/build.ts';
import { PROGRAMS } from '../../../image/programs.ts';
import { eventually, platform } from '../../support/cluster.ts';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function podman(args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run('podman', args, { env: podmanEnv(), maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function livez(port: number, ca: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/livez', ca, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

const image = await buildImage((line) => t.comment(line));

t.test('the image runs as non-root and is saved as an OCI archive', async (t) => {
  const inspect = await podman(['image', 'inspect', image.ref]);
  t.equal(inspect.code, 0, inspect.stderr);
  const [config] = JSON.parse(inspect.stdout) as Array<{ Config: { User: string; Entrypoint: string[] } }>;
  t.equal(config?.Config.User, '65532:65532');
  t.same(config?.Config.Entrypoint, ['/usr/local/bin/node', '/opt/kubehpc/image/entrypoint.ts']);
  const listing = await run('tar', ['-tf', image.archive]);
  t.match(listing.stdout, /^oci-layout$/m, 'an OCI layout archive');
  t.match(listing.stdout, /^index\.json$/m);
});

t.test('there is no shell in the image', async (t) => {
  const sh = await podman(['run', '--rm', '--entrypoint', '/bin/sh', image.ref, '-c', 'true']);
  t.not(sh.code, 0);
  t.match(sh.stderr, /no such file or directory|not found/);
});

t.test('the node in the image is Node 24', async (t) => {
  const version = await podman([
    'run',
    '--rm',
    '--read-only',
    '--entrypoint',
    '/usr/local/bin/node',
    image.ref,
    '--version',
  ]);
  t.equal(version.code, 0, version.stderr);
  t.match(version.stdout.trim(), /^v24\./);
});

t.test('an unknown program is refused with the list of programs', async (t) => {
  const bad = await podman(['run', '--rm', '--read-only', image.ref, 'nonsense']);
  t.equal(bad.code, 2);
  for (const name of PROGRAMS.keys()) t.match(bad.stderr, name);
});

for (const program of [...PROGRAMS.keys()].filter((p) => p !== 'apiserver')) {
  t.test(`${program} starts in the image and prints its usage`, async (t) => {
    const help = await podman(['run', '--rm', '--read-only', image.ref, program, '--help']);
    t.equal(help.code, 0, help.stderr);
    t.match(help.stdout, /usage:/);
    t.match(help.stdout, /--kubeconfig/);
  });
}

t.test('the API server starts in the image and serves /livez over TLS', async (t) => {
  // The platform's keys are root's (0600); the image's user gets readable copies.
  const pki = mkdtempSync(join(tmpdir(), 'kubehpc-image-pki-'));
  chmodSync(pki, 0o755);
  t.teardown(() => rmSync(pki, { recursive: true, force: true }));
  const files = [
    'ca.crt',
    'kubehpc-apiserver-serving.crt',
    'kubehpc-apiserver-serving.key',
    'kubehpc-apiserver-etcd-client.crt',
    'kubehpc-apiserver-etcd-client.key',
    'kubehpc-apiserver-client.crt',
    'kubehpc-apiserver-client.key',
  ];
  for (const file of files) {
    copyFileSync(join(platform.pkiDir, file), join(pki, file));
    chmodSync(join(pki, file), 0o644);
  }
  const port = await freePort();
  const name = `kubehpc-image-test-${randomBytes(3).toString('hex')}`;
  const p = (file: string) => `/pki/${file}`;
  const started = await podman([
    'run',
    '-d',
    '--rm',
    '--read-only',
    '--name',
    name,
    '-v',
    `${pki}:/pki:ro`,
    image.ref,
    'apiserver',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--tls-cert-file=${p('kubehpc-apiserver-serving.crt')}`,
    `--tls-private-key-file=${p('kubehpc-apiserver-serving.key')}`,
    `--etcd-servers=https://127.0.0.1:${platform.ports.etcdClient}`,
    `--etcd-cafile=${p('ca.crt')}`,
    `--etcd-certfile=${p('kubehpc-apiserver-etcd-client.crt')}`,
    `--etcd-keyfile=${p('kubehpc-apiserver-etcd-client.key')}`,
    `--etcd-prefix=/${name}/`,
    `--kube-apiserver=https://127.0.0.1:${platform.ports.apiserver}`,
    `--kube-ca-file=${p('ca.crt')}`,
    `--kube-client-cert-file=${p('kubehpc-apiserver-client.crt')}`,
    `--kube-client-key-file=${p('kubehpc-apiserver-client.key')}`,
  ]);
  t.equal(started.code, 0, started.stderr);
  t.teardown(async () => {
    await podman(['rm', '-f', '-t', '2', name]);
  });
  const ca = readFileSync(join(pki, 'ca.crt'));
  const status = await eventually(
    `/livez of the API server in container ${name}`,
    async () => ((await livez(port, ca)) === 200 ? 200 : undefined),
    90_000,
  ).catch(async (error: Error) => {
    const logs = await podman(['logs', name]);
    throw new Error(`${error.message}\n${logs.stdout}${logs.stderr}`);
  });
  t.equal(status, 200);
  const logs = await podman(['logs', name]);
  t.match(logs.stdout, /"msg":"serving"/, 'it logs that it serves');
});
