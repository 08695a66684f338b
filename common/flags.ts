// Command-line flags of kubehpc's programs, parsed one way. `readFlags` is pure: it throws a
// FlagError for an unknown flag, a missing value or a bad value, so it is tested without a
// process. `parseFlags` is the program's edge: --help prints the usage and exits 0, any
// FlagError prints the message and the usage on stderr and exits 2.

import { parseArgs } from 'node:util';

export class FlagError extends Error {}

export interface Flags {
  /** True when --help was given. */
  readonly help: boolean;
  /** A string flag's value, or undefined when absent. */
  string(name: string): string | undefined;
  /** A boolean flag: present (or =true) is true. */
  boolean(name: string): boolean;
  /** An integer flag ≥ min, or the fallback when absent. */
  integer(name: string, fallback: number, min: number): number;
  /** A flag that must be one of `allowed`, or the fallback when absent. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
}

/** Parses `argv` for the given string and boolean flags (and --help). Throws FlagError. */
export function readFlags(
  argv: readonly string[],
  strings: readonly string[],
  booleans: readonly string[] = [],
): Flags {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(strings.map((n) => [n, { type: 'string' as const }])),
        ...Object.fromEntries(booleans.map((n) => [n, { type: 'boolean' as const }])),
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const string = (name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    help: values.help === true,
    string,
    boolean: (name) => Object.hasOwn(values, name) && values[name] === true,
    integer(name, fallback, min) {
      const value = string(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (value.trim() === '' || !Number.isInteger(n) || n < min)
        throw new FlagError(`--${name} must be an integer ≥ ${min}, got "${value}"`);
      return n;
    },
    oneOf(name, allowed, fallback) {
      const value = string(name) ?? fallback;
      if (!(allowed as readonly string[]).includes(value))
        throw new FlagError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return value as (typeof allowed)[number];
    },
  };
}

/** Stops the program: the message, then the usage, on stderr, exit code 2. */
export function usageError(program: string, usage: string, message: string): never {
  console.error(`${program}: ${message}\n${usage}`);
  process.exit(2);
}

/** readFlags at a program's edge: --help and every FlagError end the process. */
export function parseFlags(
  program: string,
  usage: string,
  strings: readonly string[],
  argv: readonly string[] = process.argv.slice(2),
  booleans: readonly string[] = [],
): Flags {
  const guard =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return f(...args);
      } catch (error) {
        if (error instanceof FlagError) usageError(program, usage, error.message);
        throw error;
      }
    };
  const flags = guard(readFlags)(argv, strings, booleans);
  if (flags.help) {
    console.log(usage);
    process.exit(0);
  }
  return {
    help: false,
    string: flags.string,
    boolean: flags.boolean,
    integer: guard(flags.integer),
    oneOf: guard(flags.oneOf) as Flags['oneOf'],
  };
}
