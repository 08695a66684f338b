import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Status extends HpcCommand {
  static override description =
    'Show a service: replicas, pods and their nodes, conditions, recent events, scaling';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = { ...f.connection };
  static override examples = ['kubectl hpc status portal'];
}
