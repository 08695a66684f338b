import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Why extends HpcCommand {
  static override description =
    'Why a service (or pod) is Pending: the reasons per node group, and what would fix them';
  static override args = { name: Args.string({ description: 'A service or pod name', required: true }) };
  static override flags = { ...f.connection };
  static override examples = ['kubectl hpc why solver'];
}
