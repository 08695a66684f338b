// `restart NAME`: a rolling restart without a spec change, as `kubectl rollout restart` does
// it: a restartedAt annotation on the Deployment's pod template. The controller leaves the
// annotation alone (it applies only the fields it renders). Needs patch on deployments.

import { PROJECT_SERVICES, resourcePath } from '../../../common/kube/resources.ts';
import { waitReady } from '../deploy/wait.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName, parseDuration } from '../values.ts';

const DEPLOYMENTS = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
};

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const timeoutMs = parseDuration(String(flags.timeout ?? '5m'), 'timeout');
  const session = await connect(flags);
  try {
    const { api, client, namespace } = session;
    await api.get(PROJECT_SERVICES, namespace, name);
    await client.request('PATCH', resourcePath(DEPLOYMENTS, namespace, name), {
      contentType: 'application/strategic-merge-patch+json',
      body: {
        spec: {
          template: {
            metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } },
          },
        },
      },
      query: { fieldManager: String(flags['field-manager'] ?? 'kubectl-hpc') },
    });
    process.stdout.write(`projectservice.apps.kubehpc.dev/${name} restarting\n`);
    if (flags.wait === false) return 0;
    await waitReady(api, namespace, name, timeoutMs);
    return 0;
  } finally {
    session.close();
  }
}
