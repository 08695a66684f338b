// The memory of the platform's kubehpc-apiserver processes, as the soak samples it: the
// resident set from /proc, and the V8 heap in use and live heap (after the last full
// collection) from each process's own /metrics, read directly on its secure port with the
// admin identity (kube-apiserver does not proxy an extension server's /metrics).

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { HEAP_LIVE_METRIC } from '../../common/process-metrics.ts';
import type { Layout } from '../../platform/src/layout.ts';
import { type ProcessRecord, readRecords } from '../../platform/src/supervisor.ts';

export interface ProcessMemory {
  /** `<component>:<pid>`. */
  process: string;
  rssMiB: number;
  /** Undefined when the process did not answer /metrics (or predates the metric). */
  heapUsedMiB?: number;
  heapLiveMiB?: number;
}

const MiB = 2 ** 20;
const round = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/** The value of an unlabelled sample `name` in a Prometheus text exposition, if present. Pure. */
export function metricValue(exposition: string, name: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name} `)) continue;
    const value = Number(
      line
        .slice(name.length + 1)
        .trim()
        .split(' ')[0],
    );
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

function flag(record: ProcessRecord, name: string): string | undefined {
  const prefix = `--${name}=`;
  return record.args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

function scrape(
  record: ProcessRecord,
  tls: { ca: Buffer; cert: Buffer; key: Buffer },
): Promise<string | undefined> {
  const port = flag(record, 'secure-port');
  if (!port) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request(
      {
        host: flag(record, 'bind-address') ?? '127.0.0.1',
        port: Number(port),
        path: '/metrics',
        ...tls,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString() : undefined));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

function rssMiB(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb ? Math.round(kb / 1024) : undefined;
  } catch {
    return undefined; // exited between listing and reading
  }
}

/** One sample of every running kubehpc-apiserver process of the platform. */
export async function sampleApiservers(
  l: Layout,
  tls: { ca: Buffer; cert: Buffer; key: Buffer },
): Promise<ProcessMemory[]> {
  const records = (await readRecords(l.runDir)).filter((r) => r.name.startsWith('kubehpc-apiserver'));
  const samples = await Promise.all(
    records.map(async (record): Promise<ProcessMemory | undefined> => {
      const text = await scrape(record, tls);
      const rss = rssMiB(record.pid);
      if (rss === undefined) return undefined;
      const used = text === undefined ? undefined : metricValue(text, 'nodejs_heap_size_used_bytes');
      const live = text === undefined ? undefined : metricValue(text, HEAP_LIVE_METRIC);
      return {
        process: `${record.name}:${record.pid}`,
        rssMiB: rss,
        ...(used === undefined ? {} : { heapUsedMiB: round(used) }),
        ...(live === undefined ? {} : { heapLiveMiB: round(live) }),
      };
    }),
  );
  return samples.filter((s): s is ProcessMemory => s !== undefined);
}
