// The launcher behind bin/kubectl-hpc. It answers --help and runs every verb from the oclif
// manifest alone, so no command loads oclif's runtime or anything it does not use: a
// `kubectl hpc get` costs Node's start, the kubeconfig, one request and the table.

import { readFileSync } from 'node:fs';
import { NO_FILE_COMPLETION } from './complete.ts';
import { runVerb } from './dispatch.ts';
import { EXIT, toExit } from './errors.ts';
import { commandHelp, rootHelp } from './help.ts';
import { findCommand, type Manifest, parseCommand, pluginFile } from './manifest.ts';

const manifest = JSON.parse(readFileSync(pluginFile('oclif.manifest.json'), 'utf8')) as Manifest;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '__complete' || argv[0] === '__completeNoDesc') {
    const { complete } = await import('./verbs/complete.ts');
    const candidates = await complete(manifest, argv.slice(1));
    process.stdout.write(`${[...candidates, `:${NO_FILE_COMPLETION}`].join('\n')}\n`);
    return EXIT.ok;
  }
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  const found = findCommand(manifest, argv[0] === 'help' ? argv.slice(1) : argv);
  if (!found) {
    const first = argv.find((a) => !a.startsWith('-'));
    if (first === undefined || first === 'help' || (wantsHelp && argv.every((a) => a.startsWith('-')))) {
      process.stdout.write(`${rootHelp(manifest)}\n`);
      return first === undefined && !wantsHelp ? EXIT.usage : EXIT.ok;
    }
    process.stderr.write(
      `error: unknown command "${first}" for "kubectl hpc"\nRun 'kubectl hpc --help' for the commands.\n`,
    );
    return EXIT.usage;
  }
  if (wantsHelp || argv[0] === 'help') {
    process.stdout.write(`${commandHelp(found.command)}\n`);
    return EXIT.ok;
  }
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(found.command, found.rest);
  } catch (error) {
    const { message, code } = toExit(error);
    process.stderr.write(`error: ${message}\n`);
    return code;
  }
  return runVerb(found.command.id, parsed);
}

process.exit(await main(process.argv.slice(2)));
