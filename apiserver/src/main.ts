// Entry point of the kubehpc aggregated API server: parse flags, start, stop cleanly on
// SIGTERM/SIGINT (ending watches so clients relist elsewhere).

import { OptionsError, parseOptions } from './cmd/options.ts';
import { start } from './cmd/start.ts';

function log(level: 'info' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra })}\n`);
}

try {
  const options = parseOptions(process.argv.slice(2));
  const running = await start(options);
  log('info', 'serving', { url: running.url });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  if (error instanceof OptionsError) {
    log('error', `invalid options: ${error.message}`);
    process.exit(2);
  }
  log('error', 'failed to start', { error: (error as Error).stack ?? String(error) });
  process.exit(1);
}
