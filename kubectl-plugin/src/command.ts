// The oclif base class of every command: parse with oclif, then run the verb the same way the
// fast launcher (main.ts) does, so both paths behave identically.

import { Command } from '@oclif/core';
import { runVerb } from './dispatch.ts';

export abstract class HpcCommand extends Command {
  async run(): Promise<void> {
    const { args, flags, argv } = await this.parse(this.constructor as typeof HpcCommand);
    process.exitCode = await runVerb(this.id ?? '', {
      args: args as Record<string, string | undefined>,
      argv: argv as string[],
      flags: flags as Record<string, unknown>,
    });
  }
}
