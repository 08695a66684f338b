import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';
import * as f from '../flags.ts';

export default class History extends HpcCommand {
  static override description = "The service's scaling decisions, with their ids";
  static override args = { name: Args.string({ description: 'The service name', required: true }) };
  static override flags = { ...f.connection };
  static override examples = ['kubectl hpc history portal'];
}
