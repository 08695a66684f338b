// Asking before destroying something: only on a terminal; elsewhere --yes is required.

import { createInterface } from 'node:readline/promises';
import { UsageError } from '../errors.ts';

export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY)
    throw new UsageError(`${question.replace(/\?$/, '')}: pass --yes to confirm when not on a terminal`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
