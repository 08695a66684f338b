import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Rollback extends HpcCommand {
  static override description =
    'Re-apply an earlier spec of a service (a revision the controller recorded); replicas stay as they are';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = {
    ...f.connection,
    'to-revision': Flags.string({ description: 'The revision (default: the one before the current)' }),
    ...f.writing,
    ...f.waiting,
  };
  static override examples = ['kubectl hpc rollback portal', 'kubectl hpc rollback portal --to-revision 2'];
}
