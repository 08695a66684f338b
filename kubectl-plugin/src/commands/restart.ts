import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Restart extends HpcCommand {
  static override description = 'Restart every replica, one by one, without changing the spec';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = {
    ...f.connection,
    'field-manager': f.writing['field-manager'],
    ...f.waiting,
  };
  static override examples = ['kubectl hpc restart portal'];
}
