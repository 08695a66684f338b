import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ProjectDelete extends HpcCommand {
  static override description = 'Delete a project and everything in it';
  static override args = { name: Args.string({ description: 'The project name', required: true }) };
  static override flags = {
    ...f.connection,
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation' }),
  };
  static override examples = ['kubectl hpc project delete climate --yes'];
}
