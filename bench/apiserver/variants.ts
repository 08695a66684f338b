// GET of one ProjectService through the aggregator against one ConfigMap (builtin.ts) under
// each configuration of the kubehpc API server, in one run: the watch cache on and off,
// HTTP/2 on and off. Each variant is a kubehpc-apiserver process of its own, started with the
// platform's flags (another port, the same etcd prefix) plus the variant's; the APIServices
// are pointed at it in turn, and back at the platform's server before it stops.
// Ratios of ratios compare the variants (each against the ConfigMap measured beside it).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { kubehpcApiserverArgs } from '../../platform/src/components/specs.ts';
import type { Layout } from '../../platform/src/layout.ts';
import type { KubeHttp } from '../kube-http.ts';
import { getVersusBuiltin, type Side } from './builtin.ts';

export const VARIANTS = [
  { name: 'watch cache, HTTP/2', flags: [] },
  { name: 'watch cache, HTTP/1.1', flags: ['--http2=false'] },
  { name: 'no watch cache, HTTP/2', flags: ['--watch-cache=false'] },
  { name: 'no watch cache, HTTP/1.1', flags: ['--watch-cache=false', '--http2=false'] },
] as const;

const APISERVICES = '/apis/apiregistration.k8s.io/v1/apiservices';
const REQUESTS_BY_PROTOCOL = 'kubehpc_apiserver_resource_requests_by_protocol_total';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** GET on a variant directly (admin certificate): status and body. */
function direct(l: Layout, port: number, path: string): Promise<{ status: number; text: string }> {
  const pki = (f: string) => readFileSync(join(l.pkiDir, f));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: pki('ca.crt'),
        cert: pki('admin.crt'),
        key: pki('admin.key'),
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: ${what} not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resource requests a variant has answered, by protocol. */
async function answered(l: Layout, port: number): Promise<Record<string, number>> {
  const { text } = await direct(l, port, '/metrics');
  const out: Record<string, number> = { h2: 0, 'http/1.1': 0 };
  for (const line of text.split('\n')) {
    const m = line.match(new RegExp(`^${REQUESTS_BY_PROTOCOL}\\{protocol="([^"]+)"\\} (\\d+)`));
    if (m?.[1] === 'h2' || m?.[1] === 'http/1.1') out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Points the kubehpc APIServices at `port`. */
async function route(http: KubeHttp, names: string[], port: number): Promise<void> {
  for (const name of names) {
    const svc = await http.must('GET', `${APISERVICES}/${name}`);
    (svc.spec as { service: { port: number } }).service.port = port;
    await http.must('PUT', `${APISERVICES}/${name}`, svc);
  }
}

export async function variantRows(
  l: Layout,
  one: KubeHttp,
  many: KubeHttp,
  sides: [Side, Side],
  options: { n: number; rounds: number; clients: number; ms: number },
): Promise<Record<string, unknown>> {
  const list = await one.must('GET', APISERVICES);
  const ours = (list.items as Array<{ metadata: { name: string }; spec: { service?: { name?: string } } }>)
    .filter((a) => a.spec.service?.name === 'kubehpc-apiserver')
    .map((a) => a.metadata.name);
  const rows: Record<string, unknown> = {};
  for (const variant of VARIANTS) {
    const port = await freePort();
    const child = spawn(process.execPath, [...kubehpcApiserverArgs(l, port), ...variant.flags], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await until(`${variant.name} ready`, 60_000, async () =>
        (await direct(l, port, '/readyz')).status === 200 ? true : undefined,
      );
      await route(one, ours, port);
      // Served by this variant once GETs through the aggregator show up in its counters.
      await until(`${variant.name} reached through the aggregator`, 60_000, async () => {
        await one.call('GET', sides[0].path);
        const n = await answered(l, port);
        return (n.h2 ?? 0) + (n['http/1.1'] ?? 0) >= 5 ? true : undefined;
      });
      // A fresh process: let it (and the aggregator's connection to it) warm up first.
      await getVersusBuiltin(one, many, sides, { ...options, n: 40, rounds: 1, ms: 2_000 });
      const before = await answered(l, port);
      const measured = (await getVersusBuiltin(one, many, sides, options)) as Record<
        string,
        { sequential: { p50: number }; concurrent16: { requestsPerSecond: number } }
      >;
      const after = await answered(l, port);
      const ps = measured[sides[0].name];
      const builtin = measured[sides[1].name];
      if (!ps || !builtin) throw new Error('bench: a side was not measured');
      rows[variant.name] = {
        flags: variant.flags,
        ...measured,
        ratios: {
          sequentialP50: Number((ps.sequential.p50 / builtin.sequential.p50).toFixed(2)),
          concurrent16Throughput: Number(
            (ps.concurrent16.requestsPerSecond / builtin.concurrent16.requestsPerSecond).toFixed(2),
          ),
        },
        // Which protocol the aggregator spoke to the variant during the measurement.
        requestsByProtocol: {
          h2: (after.h2 ?? 0) - (before.h2 ?? 0),
          'http/1.1': (after['http/1.1'] ?? 0) - (before['http/1.1'] ?? 0),
        },
      };
    } finally {
      await route(one, ours, l.ports.kubehpcApiserver);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  }
  return rows;
}
