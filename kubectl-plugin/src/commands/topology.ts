import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Topology extends HpcCommand {
  static override description = "A node's NUMA zones (CPUs, memory, VFs) and its local disk";
  static override args = { node: Args.string({ description: 'The node name', required: true }) };
  static override flags = { ...f.connection };
  static override examples = ['kubectl hpc topology hpc-0'];
}
