// `delete NAME…`: deletes services (foreground, so their children go first); asks on a
// terminal unless --yes; --wait until they are gone.

import { ApiError } from '../../../common/kube/client.ts';
import { PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName } from '../values.ts';
import { confirm } from './confirm.ts';

export async function run({ argv, flags }: VerbInput): Promise<number> {
  const names = argv.map((n) => checkName(n, 'service name'));
  const dryRun = flags['dry-run'] === 'server';
  const session = await connect(flags);
  try {
    if (
      !dryRun &&
      !(await confirm(`delete ${names.join(', ')} in ${session.namespace}?`, Boolean(flags.yes)))
    )
      return 1;
    for (const name of names) {
      await session.api.delete(PROJECT_SERVICES, session.namespace, name, dryRun);
      process.stdout.write(
        `projectservice.apps.kubehpc.dev/${name} deleted${dryRun ? ' (server dry run)' : ''}\n`,
      );
    }
    if (flags.wait && !dryRun)
      for (const name of names)
        for (;;) {
          try {
            await session.api.get(PROJECT_SERVICES, session.namespace, name);
          } catch (error) {
            if (error instanceof ApiError && error.code === 404) break;
            throw error;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
    return 0;
  } finally {
    session.close();
  }
}
