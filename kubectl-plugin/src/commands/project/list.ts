import { HpcCommand } from '../../command.ts';
import * as f from '../../flags.ts';

export default class ProjectList extends HpcCommand {
  static override description = 'List projects';
  static override args = {};
  static override flags = { ...f.connection, ...f.output };
  static override examples = ['kubectl hpc project list'];
}
