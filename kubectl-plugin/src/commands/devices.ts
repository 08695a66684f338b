import { Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Devices extends HpcCommand {
  static override description = 'SR-IOV VFs per node: pool, NUMA zones, capacity, healthy, allocated, free';
  static override flags = {
    ...f.connection,
    node: Flags.string({ description: 'Only this node' }),
    'no-headers': f.output['no-headers'],
  };
  static override examples = ['kubectl hpc devices', 'kubectl hpc devices --node hpc-0'];
}
