// `restart NAME`: a rolling restart without a spec change. Like `kubectl rollout restart` it
// stamps the time on the pod template, but through the ProjectService (its
// kubehpc.dev/restarted-at annotation, which the controller copies into the template), so a
// project developer needs no right on Deployments, and the controller, the only writer of the
// Deployment, never fights another field manager over it.

import { PROJECT_SERVICES, resourcePath } from '../../../common/kube/resources.ts';
import { RESTARTED_AT_ANNOTATION } from '../../../common/names.ts';
import { waitReady } from '../deploy/wait.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName, parseDuration } from '../values.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const timeoutMs = parseDuration(String(flags.timeout ?? '5m'), 'timeout');
  const session = await connect(flags);
  try {
    const { client, namespace } = session;
    const stamp = new Date().toISOString();
    await client.request('PATCH', resourcePath(PROJECT_SERVICES, namespace, name), {
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: stamp } } },
      query: { fieldManager: String(flags['field-manager'] ?? 'kubectl-hpc') },
    });
    process.stdout.write(`projectservice.apps.kubehpc.dev/${name} restarting\n`);
    if (flags.wait === false) return 0;
    await waitReady(
      session,
      namespace,
      name,
      timeoutMs,
      (pod) => pod.metadata.annotations?.[RESTARTED_AT_ANNOTATION] === stamp,
    );
    return 0;
  } finally {
    session.close();
  }
}
