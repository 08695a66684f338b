// A scrape target a test or benchmark owns: an HTTP server exposing gauges in the Prometheus
// text format, registered with the local platform's Prometheus through a file_sd file of its
// own (removed on close). Values are set by the caller; Prometheus picks them up at its next
// scrape.

import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { prometheusTargetsDir } from '../../platform/src/components/prometheus.ts';
import type { Layout } from '../../platform/src/layout.ts';

export interface PrometheusTarget {
  /** Sets gauge `name` (with the target's own `owner` label) to `value`. */
  set(name: string, value: number): void;
  /** The value of the `owner` label every series of this target carries. */
  owner: string;
  close(): Promise<void>;
}

export async function prometheusTarget(l: Layout, owner: string): Promise<PrometheusTarget> {
  const gauges = new Map<string, number>();
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = [...gauges].map(
      ([name, value]) => `# TYPE ${name} gauge\n${name}{owner="${owner}"} ${value}`,
    );
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const file = join(prometheusTargetsDir(l), `${owner}.json`);
  await writeFile(file, JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { job: owner } }]));
  return {
    owner,
    set: (name, value) => {
      gauges.set(name, value);
    },
    close: async () => {
      await rm(file, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
