import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ProjectGrant extends HpcCommand {
  static override description = 'Give a user or group a role in a project';
  static override args = { subject: Args.string({ description: 'A user name (or use --group)' }) };
  static override flags = {
    ...f.connection,
    group: Flags.string({ description: 'Grant to this group instead of a user' }),
    role: Flags.string({
      description: 'viewer, developer or admin',
      options: ['viewer', 'developer', 'admin'],
      required: true,
    }),
    'dry-run': f.writing['dry-run'],
  };
  static override examples = [
    'kubectl hpc project grant alice --role developer -n climate',
    'kubectl hpc project grant --group climate-ops --role admin -n climate',
  ];
}
