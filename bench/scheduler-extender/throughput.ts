// kube-scheduler throughput with the extender in the path and without, on 1,000 kwok nodes:
// a platform of its own (separate folder and ports, so the shared one is untouched), the
// fixture's nodes plus synthetic ones, then the same number of pods twice — once asking
// only for CPU and memory (the extender is never called: no managed resource), once also
// asking for a VF, local disk and a single NUMA node (filter and prioritize on every
// scheduling cycle), and once as a realistic mix where every fifth pod asks for them; then
// the last two again with kube-scheduler configured for the extender's single-round-trip mode
// (one filter-best call per cycle, no prioritize). The pods are queued while kube-scheduler is
// stopped; pods/s is its own count of successful scheduling cycles, from the first to the last.

import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import {
  LOCAL_DISK_RESOURCE,
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_SINGLE_NODE,
  SRIOV_VF_RESOURCE,
} from '../../common/names.ts';
import { componentSpecs, schedulerConfiguration } from '../../platform/src/components/specs.ts';
import { expandFixture } from '../../platform/src/fixture.ts';
import { layout } from '../../platform/src/layout.ts';
import { ensureNodes } from '../../platform/src/nodes.ts';
import { adminKubeConfig, down, up } from '../../platform/src/platform.ts';
import { readRecord, start, stop } from '../../platform/src/supervisor.ts';

const CONCURRENCY = 25;

async function inBatches<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(fn));
}

export async function schedulerThroughput(options: {
  nodes: number;
  pods: number;
  variants?: string[] | undefined;
}) {
  const dir = await mkdtemp(join(tmpdir(), 'kubehpc-bench-extender-'));
  const l = layout({
    ...process.env,
    KUBEHPC_LOCAL_DIR: dir,
    KUBEHPC_PORT_BASE: process.env.KUBEHPC_BENCH_EXTENDER_PORT_BASE ?? '34310',
  });
  const log = (line: string) => console.log(`  ${line}`);
  try {
    const platform = await up(l, () => undefined);
    const kc = adminKubeConfig(l);
    const client = KubernetesObjectApi.makeApiClient(kc);
    const extra = expandFixture({
      classes: [
        {
          name: 'bench-hpc',
          count: Math.round((options.nodes - platform.nodes.length) * 0.6),
          localDisk: '1536Gi',
          pods: 110,
          zones: [
            { cpus: 32, memory: '128Gi', sriovVFs: 8 },
            { cpus: 32, memory: '128Gi', sriovVFs: 8 },
          ],
        },
        {
          name: 'bench-general',
          count:
            options.nodes - platform.nodes.length - Math.round((options.nodes - platform.nodes.length) * 0.6),
          localDisk: '100Gi',
          pods: 110,
          zones: [{ cpus: 16, memory: '64Gi', sriovVFs: 0 }],
        },
      ],
    });
    const started = performance.now();
    await ensureNodes(kc, extra, log);
    log(`${extra.length} extra nodes in ${((performance.now() - started) / 1000).toFixed(0)} s`);

    const scheduler = componentSpecs(l, platform.binaries).find((c) => c.name === 'kube-scheduler');
    if (!scheduler) throw new Error('no kube-scheduler in the platform components');
    const [configPath, twoCalls] = Object.entries(scheduler.files ?? {})[0] ?? [];
    if (!configPath || twoCalls === undefined) throw new Error('kube-scheduler has no configuration file');
    const extenderMetrics = `http://127.0.0.1:${l.ports.schedulerExtender}/metrics`;
    const schedulerMetrics = `https://127.0.0.1:${l.ports.scheduler}/metrics`;
    type Variant = 'without-extender' | 'with-extender' | 'realistic-mix';
    const run = async (variant: Variant, singleRoundTrip = false) => {
      const ns = `bench-${variant}${singleRoundTrip ? '-srt' : ''}`;
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      // 20 % of a realistic mix needs the hardware the extender checks.
      const hardware = (i: number) =>
        variant === 'with-extender' || (variant === 'realistic-mix' && i % 5 === 0);
      const pods = Array.from({ length: options.pods }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `p-${i}`,
          namespace: ns,
          ...(hardware(i) ? { annotations: { [NUMA_POLICY_ANNOTATION]: NUMA_POLICY_SINGLE_NODE } } : {}),
        },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.example/app:1',
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: {
                  cpu: '100m',
                  memory: '128Mi',
                  ...(hardware(i) ? { [SRIOV_VF_RESOURCE]: '1', [LOCAL_DISK_RESOURCE]: '1Gi' } : {}),
                },
              },
            },
          ],
        },
      }));
      // Queue every pod while kube-scheduler is stopped, then time it draining the queue, so
      // pod creation does not count.
      const record = await readRecord(l.runDir, 'kube-scheduler');
      if (record) await stop(l.runDir, record);
      await inBatches(pods, (p) => client.create(p));
      await writeFile(configPath, singleRoundTrip ? stringify(schedulerConfiguration(l, true)) : twoCalls);
      const before = await extenderTimes(extenderMetrics);
      log(`${variant}: ${options.pods} pods queued; starting kube-scheduler`);
      await start(l.runDir, l.logDir, {
        name: scheduler.name,
        binary: scheduler.binary,
        args: scheduler.args,
      });
      // kube-scheduler's own count of successful scheduling cycles (binding is asynchronous).
      const deadline = Date.now() + 300_000;
      let first: { at: number; count: number } | undefined;
      let count = 0;
      while (count < options.pods && Date.now() < deadline) {
        count = await scheduledCount(schedulerMetrics, l.pkiDir).catch(() => 0);
        if (count > 0 && first === undefined) first = { at: performance.now(), count };
        if (count < options.pods) await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (performance.now() - (first?.at ?? performance.now())) / 1000;
      if (count < options.pods) {
        // Not a throughput: say why, from kube-scheduler's own words.
        const tail = (await readFile(join(l.logDir, 'kube-scheduler.log'), 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => /^[EW]\d{4}/.test(line))
          .slice(-5)
          .join('\n');
        log(`${variant}: only ${count}/${options.pods} scheduled in time; kube-scheduler said:\n${tail}`);
      }
      const after = await extenderTimes(extenderMetrics);
      return {
        variant,
        singleRoundTrip,
        pods: options.pods,
        scheduled: count,
        seconds: Number(seconds.toFixed(2)),
        podsPerSecond: Number(((count - (first?.count ?? 0)) / seconds).toFixed(1)),
        extenderFilterCalls: after.filterCalls - before.filterCalls,
        extenderPrioritizeCalls: after.prioritizeCalls - before.prioritizeCalls,
        extenderFilterMeanMs: meanMs(after, before, 'filter'),
        extenderPrioritizeMeanMs: meanMs(after, before, 'prioritize'),
      };
    };
    // The plain run is every ratio's denominator and always runs; the others can be narrowed
    // (KUBEHPC_BENCH_EXTENDER_VARIANTS, e.g. `with-extender,realistic-mix-srt`) to profile one.
    const wanted = (name: string) => options.variants === undefined || options.variants.includes(name);
    const without = await run('without-extender');
    const others: Array<Awaited<ReturnType<typeof run>>> = [];
    for (const [variant, srt] of [
      ['with-extender', false],
      ['realistic-mix', false],
      ['with-extender', true],
      ['realistic-mix', true],
    ] as const)
      if (wanted(`${variant}${srt ? '-srt' : ''}`)) others.push(await run(variant, srt));
    const ratio = (r: typeof without) => Number((r.podsPerSecond / without.podsPerSecond).toFixed(2));
    return [
      { ...without, nodes: options.nodes },
      ...others.map((r) => ({
        ...r,
        nodes: options.nodes,
        ratioToWithout: ratio(r),
      })),
    ];
  } finally {
    await down(l, () => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

interface ExtenderTotals {
  filterCalls: number;
  filterSeconds: number;
  prioritizeCalls: number;
  prioritizeSeconds: number;
}

/** The extender's call counts and time spent, from its own histogram. */
async function extenderTimes(url: string): Promise<ExtenderTotals> {
  const text = await (await fetch(url)).text();
  const value = (name: string, verb: string) =>
    Number(new RegExp(`^${name}\\{verb="${verb}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  // Single-round-trip mode (KUBEHPC_EXTENDER_SINGLE_ROUND_TRIP=1) filters through filter-best.
  const filter = (name: string) => value(name, 'filter') + value(name, 'filter-best');
  return {
    filterCalls: filter('kubehpc_extender_request_duration_seconds_count'),
    filterSeconds: filter('kubehpc_extender_request_duration_seconds_sum'),
    prioritizeCalls: value('kubehpc_extender_request_duration_seconds_count', 'prioritize'),
    prioritizeSeconds: value('kubehpc_extender_request_duration_seconds_sum', 'prioritize'),
  };
}

function meanMs(after: ExtenderTotals, before: ExtenderTotals, verb: 'filter' | 'prioritize'): number | null {
  const calls = after[`${verb}Calls`] - before[`${verb}Calls`];
  if (calls === 0) return null;
  return Number((((after[`${verb}Seconds`] - before[`${verb}Seconds`]) / calls) * 1000).toFixed(3));
}

/** kube-scheduler's scheduler_schedule_attempts_total{result="scheduled"}, read as the admin. */
function scheduledCount(url: string, pkiDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(
      url,
      {
        ca: readFileSync(join(pkiDir, 'ca.crt')),
        cert: readFileSync(join(pkiDir, 'admin.crt')),
        key: readFileSync(join(pkiDir, 'admin.key')),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const m = /^scheduler_schedule_attempts_total\{[^}]*result="scheduled"[^}]*\} (\S+)$/m.exec(body);
          resolve(Number(m?.[1] ?? 0));
        });
      },
    );
    req.on('error', reject);
  });
}
