// Every query of the Grafana dashboard names only metrics that kubehpc's running programs
// export: the platform's API server, controllers, scheduler extender and etcd are scraped
// live, and each panel's metric names must appear in what they expose.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import t from 'tap';
import { platform } from '../../support/cluster.ts';
import { exposedNames, metricNames } from '../../support/promql.ts';
import { MANIFESTS } from './render.ts';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

function scrape(url: string, tls = false): Promise<string> {
  const pki = (file: string) => readFileSync(join(platform.pkiDir, file));
  return new Promise((resolve, reject) => {
    const options = tls ? { ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key') } : {};
    const req = (tls ? httpsRequest : httpRequest)(url, { ...options, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

const p = platform.ports;
const scrapes = {
  'kubehpc-apiserver': await scrape(`https://127.0.0.1:${p.kubehpcApiserver}/metrics`, true),
  'kubehpc-controllers': await scrape(`http://127.0.0.1:${p.kubehpcControllers}/metrics`),
  'kubehpc-scheduler-extender': await scrape(`http://127.0.0.1:${p.schedulerExtender}/metrics`),
  'kubehpc-etcd': await scrape(`http://127.0.0.1:${p.etcdMetrics}/metrics`),
};
const exposed = new Map(Object.entries(scrapes).map(([job, text]) => [job, exposedNames(text)]));
const everything = new Set([...exposed.values()].flatMap((names) => [...names]));

const dashboard = JSON.parse(
  readFileSync(join(MANIFESTS, 'components', 'grafana-dashboard', 'dashboard.json'), 'utf8'),
) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel, target })),
);

t.test('every program is scraped and exposes metrics', async (t) => {
  for (const [job, names] of exposed) t.ok(names.size > 5, `${job} exposes ${names.size} series names`);
});

t.test('every dashboard query names only metrics a running program exports', async (t) => {
  t.ok(queries.length >= 15, `${queries.length} queries`);
  for (const { panel, target } of queries) {
    const names = metricNames(target.expr);
    t.ok(names.length > 0, `"${panel.title}" reads a metric`);
    for (const name of names) t.ok(everything.has(name), `"${panel.title}": ${name} is exported`);
  }
});

t.test('each job a query selects exports the metrics it names there', async (t) => {
  for (const { panel, target } of queries) {
    const job = /job="([^"]+)"/.exec(target.expr)?.[1];
    if (!job) continue;
    const names = exposed.get(job);
    t.ok(names, `"${panel.title}": job ${job} is one of the scraped programs`);
    for (const name of metricNames(target.expr))
      t.ok(names?.has(name), `"${panel.title}": ${job} exports ${name}`);
  }
});

t.test('every program has panels', async (t) => {
  const all = queries.map((q) => q.target.expr).join('\n');
  for (const [job, names] of exposed) {
    t.ok(
      metricNames(all).some(
        (name) => names.has(name) && !name.startsWith('process_') && !name.startsWith('nodejs_'),
      ),
      `the dashboard shows ${job}`,
    );
  }
});
