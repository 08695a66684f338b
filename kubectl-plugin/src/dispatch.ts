// Verb ids → the module that implements them, imported only when that verb runs; and the one
// place a verb's failure becomes a message on stderr and an exit code.

import { toExit } from './errors.ts';

export interface VerbInput {
  args: Record<string, string | undefined>;
  /** Positional arguments (variadic commands read their extra names here). */
  argv: string[];
  flags: Record<string, unknown>;
}

export type Verb = (input: VerbInput) => Promise<number>;

const VERBS: Record<string, () => Promise<{ run: Verb }>> = {
  get: () => import('./verbs/get.ts'),
  list: () => import('./verbs/get.ts'),
  status: () => import('./verbs/status.ts'),
  describe: () => import('./verbs/status.ts'),
  deploy: () => import('./verbs/deploy.ts'),
  update: () => import('./verbs/deploy.ts'),
  scale: () => import('./verbs/scale.ts'),
  delete: () => import('./verbs/delete.ts'),
  autoscale: () => import('./verbs/autoscale.ts'),
  'config:push': () => import('./verbs/config-push.ts'),
  'project:create': () => import('./verbs/project.ts'),
  'project:list': () => import('./verbs/project.ts'),
  'project:delete': () => import('./verbs/project.ts'),
  'project:grant': () => import('./verbs/project.ts'),
  'project:revoke': () => import('./verbs/project.ts'),
  version: () => import('./verbs/version.ts'),
  completion: () => import('./verbs/completion.ts'),
  devices: () => import('./verbs/devices.ts'),
  topology: () => import('./verbs/topology.ts'),
  why: () => import('./verbs/why.ts'),
  history: () => import('./verbs/history.ts'),
  logs: () => import('./verbs/logs.ts'),
  rollback: () => import('./verbs/rollback.ts'),
  restart: () => import('./verbs/restart.ts'),
};

export const verbIds = () => Object.keys(VERBS);

export async function runVerb(id: string, input: VerbInput): Promise<number> {
  const load = Object.hasOwn(VERBS, id) ? VERBS[id] : undefined;
  if (!load) {
    process.stderr.write(`error: unknown command "${id}"\n`);
    return 2;
  }
  try {
    const verb = await load();
    return await verb.run({ ...input, flags: { ...input.flags, _id: id } });
  } catch (error) {
    const { message, code } = toExit(error);
    process.stderr.write(`error: ${message}\n`);
    return code;
  }
}
