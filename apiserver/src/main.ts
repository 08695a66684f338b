// Entry point of the kubehpc aggregated API server: parse flags, start, stop cleanly on
// SIGTERM/SIGINT (ending watches so clients relist elsewhere).

import { createLogger } from '../../common/log.ts';
import { OptionsError, parseOptions } from './cmd/options.ts';
import { start } from './cmd/start.ts';

const log = createLogger({ component: 'kubehpc-apiserver' });

try {
  const options = parseOptions(process.argv.slice(2));
  const running = await start(options);
  log.info({ url: running.url }, 'serving');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  if (error instanceof OptionsError) {
    log.error(`invalid options: ${error.message}`);
    process.exit(2);
  }
  log.fatal({ err: (error as Error).stack ?? String(error) }, 'failed to start');
  process.exit(1);
}
