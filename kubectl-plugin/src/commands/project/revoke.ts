import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ProjectRevoke extends HpcCommand {
  static override description = 'Take a role in a project away from a user or group';
  static override args = { subject: Args.string({ description: 'A user name (or use --group)' }) };
  static override flags = {
    ...f.connection,
    group: Flags.string({ description: 'Revoke from this group instead of a user' }),
    role: Flags.string({
      description: 'viewer, developer or admin',
      options: ['viewer', 'developer', 'admin'],
      required: true,
    }),
  };
  static override examples = ['kubectl hpc project revoke alice --role developer -n climate'];
}
