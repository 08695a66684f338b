// `kubectl hpc` start-up, side by side with the pinned kubectl in one run, alternating so
// machine load hits both alike: `kubectl hpc get -A` vs `kubectl get ps -A` (same server,
// same Table), and `kubectl hpc --help` vs `kubectl --help`; also `kubectl version --client`
// and a bare Node start as floors. Goals (issue 12): get ≤ 2× kubectl, --help ≤ 3× kubectl.
// Needs `npm run up` (the get pair talks to the platform).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { layout } from '../../platform/src/layout.ts';
import { summarize, writeReport } from '../report.ts';

const l = layout();
const N = Number(process.env.KUBEHPC_BENCH_CLI_N ?? 30);
const kubectl = join(l.binDir, 'kubectl');
const plugin = join(l.repoRoot, 'kubectl-plugin/bin/kubectl-hpc');
const env = {
  ...process.env,
  KUBECONFIG: l.kubeconfig,
  PATH: `${join(l.repoRoot, 'kubectl-plugin/bin')}:${l.binDir}:${process.env.PATH}`,
};

const commands: Record<string, [string, string[]]> = {
  'kubectl hpc get -A': [plugin, ['get', '-A']],
  'kubectl get ps -A': [kubectl, ['get', 'ps', '-A']],
  'kubectl hpc --help': [plugin, ['--help']],
  'kubectl --help': [kubectl, ['--help']],
  'kubectl version --client': [kubectl, ['version', '--client']],
  'node -e 0': [process.execPath, ['-e', '0']],
};

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < N + 2; i++) {
  for (const [name, [bin, args]] of Object.entries(commands)) {
    const start = process.hrtime.bigint();
    const r = spawnSync(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr.toString()}`);
    if (i >= 2) samples[name]?.push(ms); // two warm-up rounds fill the page cache
  }
}
const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
const p50 = (k: string) => results[k]?.p50 ?? Number.NaN;
const ratios = {
  'get: plugin / kubectl (goal ≤ 2)': p50('kubectl hpc get -A') / p50('kubectl get ps -A'),
  'help: plugin / kubectl (goal ≤ 3)': p50('kubectl hpc --help') / p50('kubectl --help'),
};
for (const [k, v] of Object.entries(results))
  console.log(`${k.padEnd(28)} p50 ${v.p50.toFixed(1)} ms  p90 ${v.p90.toFixed(1)} ms`);
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}`);
writeReport('cli', { samplesPerCommand: N, commands: results, ratiosOfMedians: ratios });
