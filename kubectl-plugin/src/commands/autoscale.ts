import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Autoscale extends HpcCommand {
  static override description = 'Scale a service automatically: writes a ScalingPolicy';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = {
    ...f.connection,
    min: Flags.string({ description: 'Minimum replicas', required: true }),
    max: Flags.string({ description: 'Maximum replicas', required: true }),
    cpu: Flags.string({ description: 'Target CPU utilisation, e.g. 80%' }),
    memory: Flags.string({ description: 'Target memory utilisation, e.g. 70%' }),
    prometheus: Flags.string({ description: 'A Prometheus query whose value is spread over replicas' }),
    'per-replica': Flags.string({ description: 'Target value of --prometheus per replica' }),
    cron: Flags.string({
      description: "'CRON TZ DURATION REPLICAS', e.g. '0 8 * * 1-5 Europe/Paris 2h 10' (repeatable)",
      multiple: true,
    }),
    ...f.writing,
  };
  static override examples = ['kubectl hpc autoscale portal --min 2 --max 10 --cpu 80%'];
}
