import { Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Version extends HpcCommand {
  static override description = 'Print the plugin version and the server version';
  static override args = {};
  static override flags = {
    ...f.connection,
    client: Flags.boolean({ description: 'Only the plugin version' }),
  };
  static override examples = ['kubectl hpc version'];
}
