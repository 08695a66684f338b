// Command-line flags of kubehpc's programs: strict parsing (an unknown flag is an error),
// --help, and typed reads, each mistake ending the program with its usage and exit code 2.

import { parseArgs } from 'node:util';

export interface Flags {
  /** A string flag's value, or undefined when absent. */
  string(name: string): string | undefined;
  /** An integer flag ≥ min, or the fallback when absent. */
  integer(name: string, fallback: number, min: number): number;
  /** A flag that must be one of `allowed`, or the fallback when absent. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
}

/** Stops the program: the message, then the usage, on stderr, exit code 2. */
export function usageError(program: string, usage: string, message: string): never {
  console.error(`${program}: ${message}\n${usage}`);
  process.exit(2);
}

/**
 * Parses `argv` for the given string flags (and --help, which prints the usage and exits 0).
 */
export function parseFlags(
  program: string,
  usage: string,
  names: readonly string[],
  argv = process.argv.slice(2),
): Flags {
  const fail = (message: string): never => usageError(program, usage, message);
  let values: Record<string, string | boolean | undefined> = {};
  try {
    values = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const string = (name: string) => values[name] as string | undefined;
  return {
    string,
    integer(name, fallback, min) {
      const value = string(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got "${value}"`);
      return n;
    },
    oneOf(name, allowed, fallback) {
      const value = string(name) ?? fallback;
      if (!(allowed as readonly string[]).includes(value))
        fail(`--${name} must be one of ${allowed.join(', ')}`);
      return value as (typeof allowed)[number];
    },
  };
}
