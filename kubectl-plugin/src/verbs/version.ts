// `version`: the plugin's version, and the server's when a cluster is reachable.

import { readFileSync } from 'node:fs';
import type { VerbInput } from '../dispatch.ts';
import { pluginFile } from '../manifest.ts';
import { connect } from '../session.ts';

export async function run({ flags }: VerbInput): Promise<number> {
  const { version } = JSON.parse(readFileSync(pluginFile('package.json'), 'utf8')) as {
    version: string;
  };
  process.stdout.write(`kubectl-hpc: v${version}\n`);
  if (flags.client) return 0;
  try {
    const session = await connect(flags);
    try {
      const server = await session.client.request<{ gitVersion?: string }>('GET', '/version');
      process.stdout.write(`Kubernetes server: ${server.gitVersion ?? 'unknown'}\n`);
    } finally {
      session.close();
    }
  } catch (error) {
    process.stdout.write(`Kubernetes server: unreachable (${(error as Error).message})\n`);
  }
  return 0;
}
