import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class List extends HpcCommand {
  static override description = 'List project services (same as get)';
  static override args = { name: Args.string({ description: 'A ProjectService name' }) };
  static override flags = { ...f.connection, ...f.output, ...f.listing };
  static override examples = ['kubectl hpc list -A'];
}
