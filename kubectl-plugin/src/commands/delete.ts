import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Delete extends HpcCommand {
  static override strict = false;
  static override description =
    'Delete project services (their Deployment, Service and ConfigMap go with them)';
  static override args = { name: Args.string({ description: 'Service names', required: true }) };
  static override flags = {
    ...f.connection,
    'dry-run': f.writing['dry-run'],
    yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation' }),
    wait: Flags.boolean({ description: 'Wait until the services are gone', default: false }),
  };
  static override examples = ['kubectl hpc delete portal --yes'];
}
