// The oclif manifest (oclif.manifest.json, generated from the command classes by
// `npm run manifest` and checked by a test) as data: the launcher parses flags and prints
// help from it, so neither needs oclif's runtime or the command modules.

import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

/** A file of kubectl-plugin/ (the manifest, package.json), from the source or from dist/. */
export function pluginFile(name: string): URL {
  const compiled = import.meta.url.includes('/dist/kubectl-plugin/');
  return new URL(`${compiled ? '../../../kubectl-plugin/' : '../'}${name}`, import.meta.url);
}

export interface ManifestFlag {
  name: string;
  char?: string;
  type: 'option' | 'boolean';
  multiple?: boolean;
  options?: string[];
  default?: unknown;
  allowNo?: boolean;
  description?: string;
  helpGroup?: string;
}

export interface ManifestArg {
  name: string;
  required?: boolean;
  description?: string;
}

export interface ManifestCommand {
  id: string;
  description?: string;
  summary?: string;
  examples?: string[];
  strict?: boolean;
  aliases?: string[];
  flags: Record<string, ManifestFlag>;
  args: Record<string, ManifestArg>;
}

export interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

/** Finds the command an argv names ("project grant …" → project:grant) and the rest. */
export function findCommand(
  manifest: Manifest,
  argv: readonly string[],
): { command: ManifestCommand; rest: string[] } | undefined {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = Math.min(words.length, 3); n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (Object.hasOwn(manifest.commands, id)) {
      const rest = [...argv];
      rest.splice(argv.indexOf(words[0] as string), n);
      return { command: manifest.commands[id] as ManifestCommand, rest };
    }
  }
  return undefined;
}

export interface Parsed {
  args: Record<string, string | undefined>;
  argv: string[];
  flags: Record<string, unknown>;
}

/** Parses a command's argv from its manifest entry; every mistake is a UsageError. Pure. */
export function parseCommand(command: ManifestCommand, argv: readonly string[]): Parsed {
  const flags = Object.values(command.flags);
  const booleans = new Map(flags.filter((f) => f.type === 'boolean').map((f) => [f.name, f]));
  const explicit: Record<string, boolean> = {};
  const args: string[] = [];
  // kubectl habits parseArgs does not know: --flag=true|false and --no-flag for booleans,
  // -o=json for short options.
  for (const a of argv) {
    const m = a.match(/^--([^=]+)=(true|false)$/);
    const no = a.match(/^--no-(.+)$/);
    if (m && booleans.has(m[1] as string)) explicit[m[1] as string] = m[2] === 'true';
    else if (no && booleans.get(no[1] as string)?.allowNo) explicit[no[1] as string] = false;
    else if (/^-[a-zA-Z]=/.test(a)) args.push(a.slice(0, 2), a.slice(3));
    else args.push(a);
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const f of flags)
    options[f.name] = {
      type: f.type === 'boolean' ? 'boolean' : 'string',
      ...(f.char ? { short: f.char } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const values: Record<string, unknown> = { ...parsed.values, ...explicit };
  for (const f of flags) {
    const v = values[f.name];
    if (v === undefined && f.default !== undefined) values[f.name] = f.default;
    if (f.options && typeof v === 'string' && !f.options.includes(v))
      throw new UsageError(`--${f.name} must be one of ${f.options.join(', ')}, got "${v}"`);
  }
  const specs = Object.values(command.args);
  const positionals = parsed.positionals;
  if (command.strict !== false && positionals.length > specs.length)
    throw new UsageError(`unexpected argument "${positionals[specs.length]}"`);
  const named: Record<string, string | undefined> = {};
  specs.forEach((spec, i) => {
    named[spec.name] = positionals[i];
    if (spec.required && positionals[i] === undefined)
      throw new UsageError(`missing argument ${spec.name.toUpperCase()}`);
  });
  return { args: named, argv: positionals, flags: values };
}
