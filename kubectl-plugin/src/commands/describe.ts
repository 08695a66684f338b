import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Describe extends HpcCommand {
  static override description = 'Alias of status';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = { ...f.connection };
  static override examples = ['kubectl hpc describe portal'];
}
