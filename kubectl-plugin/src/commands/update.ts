import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Update extends HpcCommand {
  static override description = 'Change only the given fields of an existing project service';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = { ...f.connection, ...f.spec, ...f.writing, ...f.waiting };
  static override examples = [
    'kubectl hpc update portal --image registry.example/portal:1.4.3',
    'kubectl hpc update portal --env LOG_LEVEL=debug',
    'kubectl hpc update portal --expose http=nodeport',
  ];
}
