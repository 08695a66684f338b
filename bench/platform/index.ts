// Local platform timings: `npm run up` on a fresh folder (binaries cached), a second `up`
// (the no-op), `up` again over existing state after a `down`, and `down` itself — each on a
// platform of its own folder and ports, so a running one is left alone. The binary cache's
// disk use is reported; KUBEHPC_BENCH_COLD=1 also times a cold build of every binary with
// empty Go caches (minutes).

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheSize, ensureBinaries } from '../../platform/src/binaries.ts';
import { layout } from '../../platform/src/layout.ts';
import { down, up } from '../../platform/src/platform.ts';
import { writeReport } from '../report.ts';

const quiet = () => undefined;
const seconds = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return Number(((performance.now() - started) / 1000).toFixed(2));
};

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-bench-platform-'));
const l = layout({ ...process.env, KUBEHPC_LOCAL_DIR: dir, KUBEHPC_PORT_BASE: '33310' });
const results: Record<string, unknown> = {};
try {
  await ensureBinaries(l.repoRoot, l.cacheDir, console.log);
  results.upFreshSeconds = await seconds(() => up(l, quiet));
  results.upAgainSeconds = await seconds(() => up(l, quiet));
  results.downSeconds = await seconds(() => down(l, quiet));
  results.upExistingStateSeconds = await seconds(() => up(l, quiet));
  await down(l, quiet);
  results.binaryCacheBytes = await cacheSize(l.cacheDir);
  if (process.env.KUBEHPC_BENCH_COLD === '1') {
    const cold = await mkdtemp(join(tmpdir(), 'kubehpc-bench-cold-'));
    const env = { ...process.env, GOCACHE: join(cold, 'gocache'), GOMODCACHE: join(cold, 'gomod') };
    const started = performance.now();
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { ensureBinaries } from ${JSON.stringify(join(l.repoRoot, 'platform/src/binaries.ts'))};
         await ensureBinaries(${JSON.stringify(l.repoRoot)}, ${JSON.stringify(join(cold, 'cache'))}, console.log);`,
      ],
      { env, stdio: 'inherit' },
    );
    results.coldBuildSeconds = Number(((performance.now() - started) / 1000).toFixed(0));
    results.coldGoCachesBytes = Number(execFileSync('du', ['-sb', cold]).toString().split('\t')[0]);
    execFileSync('chmod', ['-R', 'u+w', cold]);
    await rm(cold, { recursive: true, force: true });
  }
} finally {
  await down(l, quiet);
  await rm(dir, { recursive: true, force: true });
}
console.table(results);
writeReport('platform', results);
