import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Scale extends HpcCommand {
  static override description = 'Set the number of replicas (through the scale subresource)';
  static override args = {
    name: Args.string({ description: 'The service name', required: true }),
    replicas: Args.string({ description: 'The replica count', required: true }),
  };
  static override flags = { ...f.connection, 'dry-run': f.writing['dry-run'] };
  static override examples = ['kubectl hpc scale portal 5'];
}
