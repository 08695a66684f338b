// `history NAME`: the scaling decisions of the service's ScalingPolicy (bounded history in its
// status), newest last, each with its id.

import { ApiError } from '../../../common/kube/client.ts';
import { SCALING_POLICIES } from '../../../common/kube/resources.ts';
import { layoutColumns } from '../../../common/print/table.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName } from '../values.ts';

interface Decision {
  id: string;
  time: string;
  from: number;
  to: number;
  reason?: string;
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const session = await connect(flags);
  try {
    if (flags.revisions) {
      const { revisionRows, revisions } = await import('./rollback.ts');
      const all = await revisions(session.api, session.namespace, name);
      process.stdout.write(all.length ? `${revisionRows(all)}\n` : `${name} has no recorded revisions yet\n`);
      return 0;
    }
    let policy: { status?: { history?: Decision[]; lastDecision?: Decision } };
    try {
      policy = await session.api.get(SCALING_POLICIES, session.namespace, name);
    } catch (error) {
      if (error instanceof ApiError && error.code === 404) {
        process.stderr.write(
          `${name} has no ScalingPolicy: set one with kubectl hpc autoscale ${name} --min N --max M\n`,
        );
        return 1;
      }
      throw error;
    }
    const decisions =
      policy.status?.history ?? (policy.status?.lastDecision ? [policy.status.lastDecision] : []);
    if (decisions.length === 0) {
      process.stdout.write('no scaling decisions yet (the policy has not been evaluated)\n');
      return 0;
    }
    process.stdout.write(
      `${layoutColumns([['TIME', 'ID', 'FROM', 'TO', 'REASON'], ...decisions.map((d) => [d.time, d.id, String(d.from), String(d.to), d.reason ?? ''])])}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
