import { Args, Flags } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class Logs extends HpcCommand {
  static override description =
    'Logs of every replica, each line prefixed by its pod; -f follows new pods too';
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = {
    ...f.connection,
    follow: Flags.boolean({ char: 'f', description: 'Follow the logs, and pods as they come and go' }),
    since: Flags.string({ description: 'Only lines newer than this (e.g. 10m)' }),
    tail: Flags.string({ description: 'Lines from the end of each log' }),
    container: Flags.string({ char: 'c', description: 'The container (default: the only one)' }),
    timestamps: Flags.boolean({ description: 'Prefix each line with its time' }),
  };
  static override examples = ['kubectl hpc logs portal -f --since 10m'];
}
