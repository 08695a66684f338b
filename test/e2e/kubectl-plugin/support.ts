// Runs the real executable as `kubectl hpc …`: kubectl-plugin/bin and the platform's pinned
// kubectl on PATH, the platform's admin kubeconfig in KUBECONFIG.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CommandResult, platform } from '../../support/cluster.ts';

const run = promisify(execFile);

export const pluginBin = join(platform.repoRoot, 'kubectl-plugin/bin');

export async function hpc(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(join(platform.binDir, 'kubectl'), ['hpc', ...args], {
      env: {
        ...process.env,
        PATH: `${pluginBin}:${platform.binDir}:${process.env.PATH}`,
        KUBECONFIG: platform.kubeconfig,
        ...env,
      },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `kubectl hpc …` as a long-running child (logs -f), with the same PATH and kubeconfig. */
export function spawnHpc(args: string[]): ChildProcess {
  return spawn(join(platform.binDir, 'kubectl'), ['hpc', ...args], {
    env: {
      ...process.env,
      PATH: `${pluginBin}:${platform.binDir}:${process.env.PATH}`,
      KUBECONFIG: platform.kubeconfig,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
