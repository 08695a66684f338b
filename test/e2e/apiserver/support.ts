// What the API server's e2e tests share: a server on a free port with an etcd key prefix of
// its own (in-process, or as a separate process the way replicas run), and an HTTPS client
// presenting one of the platform's certificates.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parseOptions } from '../../../apiserver/src/cmd/options.ts';
import { type Running, start } from '../../../apiserver/src/cmd/start.ts';
import { platform } from '../../support/cluster.ts';

const pki = (file: string) => join(platform.pkiDir, file);

export interface TestServer {
  running: Running;
  port: number;
  prefix: string;
}

/**
 * The flags of a server on the platform's etcd (or `etcd`, a test's private one: a server with
 * the same client certificate) and kube-apiserver, with its own key prefix.
 */
function serverArgs(prefix: string, port: number, extra: string[] = [], etcd?: string): string[] {
  return [
    `--secure-port=${port}`,
    `--tls-cert-file=${pki('kubehpc-apiserver-serving.crt')}`,
    `--tls-private-key-file=${pki('kubehpc-apiserver-serving.key')}`,
    `--etcd-servers=${etcd ?? `https://127.0.0.1:${platform.ports.etcdClient}`}`,
    `--etcd-cafile=${pki('ca.crt')}`,
    `--etcd-certfile=${pki('kubehpc-apiserver-etcd-client.crt')}`,
    `--etcd-keyfile=${pki('kubehpc-apiserver-etcd-client.key')}`,
    `--etcd-prefix=${prefix}`,
    `--kube-apiserver=https://127.0.0.1:${platform.ports.apiserver}`,
    `--kube-ca-file=${pki('ca.crt')}`,
    `--kube-client-cert-file=${pki('kubehpc-apiserver-client.crt')}`,
    `--kube-client-key-file=${pki('kubehpc-apiserver-client.key')}`,
    ...extra,
  ];
}

export const freshPrefix = () => `/kubehpc-e2e/${randomBytes(4).toString('hex')}/`;

export async function startTestServer(
  at: { prefix?: string; port?: number; args?: string[]; etcd?: string } = {},
): Promise<TestServer> {
  const prefix = at.prefix ?? freshPrefix();
  const running = await start(parseOptions(serverArgs(prefix, at.port ?? 0, at.args, at.etcd)));
  const address = running.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { running, port, prefix };
}

export interface ServerProcess {
  port: number;
  /** SIGTERM, then wait for the process to exit; resolves to its exit code. */
  stop(): Promise<number | null>;
}

/** A replica as it runs in production: its own process (apiserver/src/main.ts). */
export async function spawnServer(prefix: string): Promise<ServerProcess> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn(process.execPath, ['apiserver/src/main.ts', ...serverArgs(prefix, port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('"msg":"serving"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before serving: ${out}`)));
  });
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A client-node KubeConfig for the admin user against a test server. */
export function adminConfigFor(port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'test', server: `https://127.0.0.1:${port}`, caFile: pki('ca.crt'), skipTLSVerify: false },
    ],
    users: [{ name: 'admin', certFile: pki('admin.crt'), keyFile: pki('admin.key') }],
    contexts: [{ name: 'test', cluster: 'test', user: 'admin' }],
    currentContext: 'test',
  });
  return kc;
}

export type Identity = 'admin' | 'front-proxy-client' | 'none';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (binary for protobuf). */
  body: Buffer;
  text: string;
  json: Record<string, unknown>;
}

export interface CallOptions {
  as?: Identity;
  headers?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

export function call(
  port: number,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const as = options.as ?? 'admin';
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string' || Buffer.isBuffer(options.body)
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca: readFileSync(pki('ca.crt')),
        ...(as === 'none'
          ? {}
          : { cert: readFileSync(pki(`${as}.crt`)), key: readFileSync(pki(`${as}.key`)) }),
        headers: {
          ...(payload !== undefined
            ? {
                'Content-Type': options.contentType ?? 'application/json',
                'Content-Length': Buffer.byteLength(payload),
              }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = raw.toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON (YAML, text)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw, text, json });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A watch stream: its events as they arrive, and a way to stop it. */
export function openWatch(
  port: number,
  path: string,
  as: Identity = 'admin',
  headers: Record<string, string> = {},
) {
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  let status = 0;
  let ended = false;
  let endedCleanly = false;
  const req = request(
    {
      host: '127.0.0.1',
      port,
      path,
      method: 'GET',
      ca: readFileSync(pki('ca.crt')),
      ...(as === 'none' ? {} : { cert: readFileSync(pki(`${as}.crt`)), key: readFileSync(pki(`${as}.key`)) }),
      headers,
    },
    (res) => {
      status = res.statusCode ?? 0;
      let buffer = '';
      res.on('data', (c: Buffer) => {
        buffer += c.toString('utf8');
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim() !== '') events.push(JSON.parse(line));
          nl = buffer.indexOf('\n');
        }
      });
      res.on('end', () => {
        ended = true;
        endedCleanly = true;
      });
      res.on('error', () => {
        ended = true;
      });
    },
  );
  req.on('error', () => {
    ended = true;
  });
  req.end();
  return {
    events,
    status: () => status,
    ended: () => ended,
    /** The server finished the response (a clean end), rather than the connection breaking. */
    endedCleanly: () => endedCleanly,
    stop: () => req.destroy(),
  };
}

export const PS_PATH = (ns: string, name = '') =>
  `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices${name ? `/${name}` : ''}`;
export const SP_PATH = (ns: string, name = '') =>
  `/apis/scaling.kubehpc.dev/v1alpha1/namespaces/${ns}/scalingpolicies${name ? `/${name}` : ''}`;

export function projectService(
  name: string,
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    kind: 'ProjectService',
    metadata: { name, ...metadata },
    spec: { image: 'registry.example/portal:1.4.2', ports: [{ name: 'http', port: 8080 }], ...spec },
  };
}
