// `completion bash|zsh|fish`: prints the completion script for the shell.

import { completionScript } from '../complete.ts';
import type { VerbInput } from '../dispatch.ts';
import { UsageError } from '../errors.ts';

export async function run({ args }: VerbInput): Promise<number> {
  const script = completionScript(args.shell ?? '');
  if (!script) throw new UsageError(`completion supports bash, zsh and fish, got "${args.shell ?? ''}"`);
  process.stdout.write(`${script}\n`);
  return 0;
}
