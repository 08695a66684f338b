import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Get extends HpcCommand {
  static override description =
    'List project services, or show one (columns from the server, as kubectl get)';
  static override args = { name: Args.string({ description: 'A ProjectService name' }) };
  static override flags = { ...f.connection, ...f.output, ...f.listing };
  static override examples = ['kubectl hpc get', 'kubectl hpc get portal -o yaml', 'kubectl hpc get -A'];
}
