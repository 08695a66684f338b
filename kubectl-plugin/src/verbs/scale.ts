// `scale NAME N`: sets spec.replicas through the scale subresource (as `kubectl scale` and the
// scaling controller do), so field ownership of replicas moves the same way.

import { PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName, parseCount } from '../values.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const replicas = parseCount(args.replicas ?? '', 'replicas');
  const session = await connect(flags);
  try {
    await session.api.mergePatch(
      PROJECT_SERVICES,
      session.namespace,
      name,
      { spec: { replicas } },
      {
        sub: 'scale',
        dryRun: flags['dry-run'] === 'server',
        fieldManager: String(flags['field-manager'] ?? 'kubectl-hpc'),
      },
    );
    process.stdout.write(`projectservice.apps.kubehpc.dev/${name} scaled to ${replicas}\n`);
    return 0;
  } finally {
    session.close();
  }
}
