// Help text from the manifest: the command list, and per command its usage, flags grouped as
// kubectl groups them, examples, and the exit codes. Pure.

import { EXIT_CODES_HELP } from './errors.ts';
import type { Manifest, ManifestCommand, ManifestFlag } from './manifest.ts';

const firstLine = (text = '') => text.split('\n')[0] ?? '';

function usage(command: ManifestCommand): string {
  const args = Object.values(command.args)
    .map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`))
    .join(' ');
  const more = command.strict === false ? '…' : '';
  return `kubectl hpc ${command.id.replaceAll(':', ' ')}${args ? ` ${args}${more}` : ''} [flags]`;
}

function flagLine(f: ManifestFlag): [string, string] {
  const name = `${f.char ? `-${f.char}, ` : '    '}--${f.name}${f.type === 'option' ? '=VALUE' : ''}`;
  const dflt = f.default !== undefined && f.default !== false ? ` (default ${String(f.default)})` : '';
  return [name, `${f.description ?? ''}${dflt}`];
}

function columns(rows: [string, string][], indent = '  '): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}   ${b}`.trimEnd()).join('\n');
}

export function rootHelp(manifest: Manifest): string {
  const commands = Object.values(manifest.commands)
    .filter((c) => !c.id.includes(':') || true)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c): [string, string] => [c.id.replaceAll(':', ' '), firstLine(c.summary ?? c.description)]);
  return [
    'kubectl hpc: deploy, scale and inspect kubehpc project services, the kubectl way.',
    '',
    'USAGE',
    '  kubectl hpc COMMAND [flags]',
    '',
    'COMMANDS',
    columns(commands),
    '',
    "Every command takes kubectl's connection flags (--kubeconfig, --context, --cluster, --user,",
    "-n/--namespace, --as, --request-timeout); 'kubectl hpc COMMAND --help' shows its own.",
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export function commandHelp(command: ManifestCommand): string {
  const groups = new Map<string, [string, string][]>();
  for (const f of Object.values(command.flags).sort((a, b) => a.name.localeCompare(b.name))) {
    const group = f.helpGroup ?? 'FLAGS';
    groups.set(group, [...(groups.get(group) ?? []), flagLine(f)]);
  }
  const sections = [command.description ?? command.summary ?? '', '', 'USAGE', `  ${usage(command)}`];
  const args = Object.values(command.args);
  if (args.length > 0)
    sections.push('', 'ARGUMENTS', columns(args.map((a) => [a.name.toUpperCase(), a.description ?? ''])));
  for (const group of ['FLAGS', ...[...groups.keys()].filter((g) => g !== 'FLAGS').sort()]) {
    const rows = groups.get(group);
    if (rows) sections.push('', `${group} FLAGS`.replace('FLAGS FLAGS', 'FLAGS'), columns(rows));
  }
  if (command.examples?.length)
    sections.push(
      '',
      'EXAMPLES',
      ...command.examples.map(
        (e) =>
          `  ${e.replaceAll('<%= config.bin %>', 'kubectl').replaceAll('<%= command.id %>', command.id.replaceAll(':', ' '))}`,
      ),
    );
  sections.push('', EXIT_CODES_HELP);
  return sections.join('\n');
}
