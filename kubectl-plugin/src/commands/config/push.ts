import { Args } from '@oclif/core';
import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ConfigPush extends HpcCommand {
  static override strict = false;
  static override description =
    'Replace config files of a running service (hot update unless it restarts on change)';
  static override args = {
    name: Args.string({ description: 'The service name', required: true }),
    file: Args.string({ description: 'Config files to push (several allowed)', required: true }),
  };
  static override flags = { ...f.connection, ...f.writing, ...f.waiting };
  static override examples = ['kubectl hpc config push portal application.yml logback.xml'];
}
