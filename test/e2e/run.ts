// Runs the end-to-end suite against the local platform: reuses a running one, or starts one
// for the run and stops it afterwards. Extra arguments go to tap (e.g. a single file).

import { spawn } from 'node:child_process';
import { layout } from '../../platform/src/layout.ts';
import { down, isInUse, up } from '../../platform/src/platform.ts';

const log = (line: string) => console.log(`e2e: ${line}`);
const l = layout();
const reuse = await isInUse(l);
log(reuse ? 'reusing the running local platform' : 'starting the local platform for this run');
let code = 1;
try {
  await up(l, log);
  const files = process.argv.slice(2);
  const args = [
    'run',
    '--jobs=1',
    // Coverage is the unit suite's number: e2e code runs in the platform's processes, not here.
    '--disable-coverage',
    '--timeout=600',
    ...(files.length > 0 ? files : ['--include', 'test/e2e/**/*.test.ts']),
  ];
  code = await new Promise<number>((resolve) => {
    const child = spawn('tap', args, { stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  if (!reuse) {
    const result = await down(l, log);
    if (result.busyPorts.length > 0) {
      log(`ports still busy after stopping the platform: ${result.busyPorts.join(', ')}`);
      code ||= 1;
    }
  }
}
process.exit(code);
