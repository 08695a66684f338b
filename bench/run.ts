// `npm run bench [-- <suite> ...]`: runs benchmark suites (bench/<suite>/index.ts), each in
// its own process. Suites print their numbers and write JSON to bench/results/<suite>.json
// through bench/report.ts. With no argument, every suite runs.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalTable } from './goals.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
// `--name=value` options go to every suite that runs (e.g. `npm run bench -- soak --duration=60s`).
const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark suite(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`,
  );
  process.exit(2);
}
const began = Date.now();
let failed = 0;
for (const suite of wanted.length > 0 ? wanted : available) {
  console.log(`\n== bench ${suite} ==`);
  const result = spawnSync(process.execPath, [join(root, suite, 'index.ts'), ...options], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
// Issue 16's goals, from the results the suites of this run wrote.
console.log(`\n== goals (this run) ==\n${goalTable(began)}`);
process.exit(failed > 0 ? 1 : 0);
