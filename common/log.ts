// The one logger of every kubehpc program: pino writing a JSON object per line with the
// fields an EFK pipeline indexes — `time` (ISO 8601), `level` (its name), `component` (the
// program), `msg` — plus `project`, `service` and `decision` where the caller knows them
// (child loggers carry them), and `err` for errors. On a terminal the same records are
// printed as short human-readable lines instead. It never decides what to log.

import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The program, e.g. `kubehpc-apiserver`: the `component` field of every line. */
  component: string;
  level?: LogLevel;
  /** Where lines go, when not to a standard stream (tests). */
  destination?: DestinationStream;
  /** The standard stream lines go to without a destination (default stdout). */
  stream?: 'stdout' | 'stderr';
  /** Human-readable lines instead of JSON; by default when that stream is a terminal. */
  human?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const stderr = options.stream === 'stderr';
  const tty = (stderr ? process.stderr : process.stdout).isTTY === true;
  const human = options.human ?? (options.destination === undefined && tty);
  const out = options.destination ?? pino.destination({ dest: stderr ? 2 : 1, sync: true });
  const destination: DestinationStream = human ? { write: (line) => out.write(humanLine(line)) } : out;
  return pino(
    {
      level: options.level ?? 'info',
      base: { component: options.component },
      messageKey: 'msg',
      errorKey: 'err',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and benchmarks. */
export const silentLogger: Logger = pino({ level: 'silent' });

const FIXED = new Set(['time', 'level', 'component', 'msg']);

/**
 * One JSON log line as a terminal line: `12:00:01 INFO  component msg key=value …`. A line
 * that is not a JSON object is passed through unchanged.
 */
export function humanLine(json: string): string {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return json;
  const r = record as Record<string, unknown>;
  const time = typeof r.time === 'string' ? r.time.slice(11, 19) : '';
  const level = String(r.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const rest = Object.entries(r)
    .filter(([key]) => !FIXED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${[time, level, String(r.component ?? ''), String(r.msg ?? ''), ...rest].join(' ')}\n`;
}
