// `autoscale NAME --min --max [rules]`: writes the service's ScalingPolicy (named after it)
// by server-side apply; the scaling controller evaluates it.

import { stringify } from 'yaml';
import { SCALING_POLICIES } from '../../../common/kube/resources.ts';
import { type AutoscaleFlags, scalingPolicy } from '../autoscale/policy.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName } from '../values.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const ns = typeof flags.namespace === 'string' ? flags.namespace : '';
  const body = scalingPolicy(ns, name, flags as AutoscaleFlags);
  if (flags['dry-run'] === 'client') {
    process.stdout.write(`${stringify(body).trimEnd()}\n`);
    return 0;
  }
  const session = await connect(flags);
  try {
    body.metadata.namespace = session.namespace;
    await session.api.apply(SCALING_POLICIES, session.namespace, name, body, {
      fieldManager: String(flags['field-manager'] ?? 'kubectl-hpc'),
      force: true,
      dryRun: flags['dry-run'] === 'server',
    });
    process.stdout.write(
      `scalingpolicy.scaling.kubehpc.dev/${name} configured: ${body.spec.minReplicas}–${body.spec.maxReplicas} replicas, rules ${body.spec.rules.map((r) => r.name).join(', ')}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
