import { Args } from '@oclif/core';
import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ProjectCreate extends HpcCommand {
  static override description = 'Create a project: a namespace labelled as a kubehpc project';
  static override args = { name: Args.string({ description: 'The project name', required: true }) };
  static override flags = { ...f.connection, 'dry-run': f.writing['dry-run'] };
  static override examples = ['kubectl hpc project create climate'];
}
