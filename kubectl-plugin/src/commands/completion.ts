import { Args } from '@oclif/core';
import { HpcCommand } from '../command.ts';

export default class Completion extends HpcCommand {
  static override description =
    "Print a shell completion script (kubectl ≥ 1.26 completes 'kubectl hpc' itself through kubectl_complete-hpc)";
  static override args = {
    shell: Args.string({
      description: 'bash, zsh or fish',
      required: true,
      options: ['bash', 'zsh', 'fish'],
    }),
  };
  static override examples = [
    'source <(kubectl hpc completion bash)',
    'kubectl hpc completion fish | source',
  ];
}
