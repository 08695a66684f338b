// `npm run down`: stops exactly the processes `npm run up` started and checks the ports are free.

import { layout } from '../layout.ts';
import { down } from '../platform.ts';

const log = (line: string) => console.log(`kubehpc: ${line}`);

try {
  const result = await down(layout(), log);
  if (result.stopped.length === 0) log('nothing was running.');
  if (result.busyPorts.length > 0) {
    console.error(`kubehpc: these ports are still in use by other programs: ${result.busyPorts.join(', ')}`);
    process.exitCode = 1;
  } else {
    log(
      'the local platform is stopped; its ports are free. State stays in .local/ (delete it for a fresh start).',
    );
  }
} catch (error) {
  console.error(`kubehpc: npm run down failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
