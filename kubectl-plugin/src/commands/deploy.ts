import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Deploy extends HpcCommand {
  static override description = 'Create or update a project service and wait until it is Ready';
  static override args = { name: Args.string({ description: 'The service name (or metadata.name of -f)' }) };
  static override flags = { ...f.connection, ...f.spec, ...f.writing, ...f.waiting };
  static override examples = [
    'kubectl hpc deploy portal --image registry.example/portal:1.4.2 --replicas 3 --port http:8080',
    'kubectl hpc deploy solver --image registry.example/solver:2 --vf 2 --numa single --local-disk 50Gi',
    'kubectl hpc deploy portal --image registry.example/portal:1.4.2 --port http:8080 --expose ingress:portal.example.org/',
  ];
}
