import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class History extends HpcCommand {
  static override description =
    "The service's scaling decisions with their ids, or its spec revisions (--revisions)";
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = {
    ...f.connection,
    revisions: Flags.boolean({ description: 'List the recorded spec revisions (for rollback) instead' }),
  };
  static override examples = ['kubectl hpc history portal', 'kubectl hpc history portal --revisions'];
}
