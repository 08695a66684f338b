// Structured logs: one JSON object per line on stderr with time, level, component and
// message, plus whatever fields the caller adds. Nothing else in the plugin writes to stderr.

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(
  base: Record<string, unknown> = {},
  minimum: Level = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit =
    (level: Level) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < ORDER[minimum]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level, ...base, msg, ...fields })}\n`);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger({ ...base, ...fields }, minimum, write),
  };
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: Logger = createLogger({}, 'error', () => undefined);
