// `why NAME|POD`: why a service's pods (or one pod) are not running, in plain words per node
// group, with what would fix it; from the pods' PodScheduled condition and their events.

import { ApiError } from '../../../common/kube/client.ts';
import { EVENTS, PODS, PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import type { PodLike } from '../deploy/progress.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkSubdomain } from '../values.ts';
import { explain } from '../why/explain.ts';

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkSubdomain(args.name ?? '', 'service or pod name');
  const session = await connect(flags);
  try {
    const { api, namespace } = session;
    let pods: PodLike[];
    try {
      const ps = await api.get<{ status?: { selector?: string } }>(PROJECT_SERVICES, namespace, name);
      pods = ps.status?.selector
        ? (await api.list<PodLike>(PODS, namespace, { labelSelector: ps.status.selector })).items
        : [];
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      pods = [await api.get<PodLike>(PODS, namespace, name)];
    }
    const lines: string[] = [];
    for (const pod of pods) {
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      let message = scheduled?.status === 'False' ? scheduled.message : undefined;
      if (pod.status?.phase === 'Pending' && !message) {
        const events = await api.list<{ reason?: string; message?: string }>(EVENTS, namespace, {
          fieldSelector: `involvedObject.name=${pod.metadata.name},reason=FailedScheduling`,
        });
        message = events.items.at(-1)?.message;
      }
      if (!message) continue;
      const e = explain(message);
      lines.push(`${pod.metadata.name} is Pending${e.total ? `: none of ${e.total} nodes fits` : ''}`);
      for (const g of e.groups)
        lines.push(`  ${g.nodes ? `${g.nodes} node(s): ` : ''}${g.reason}`, `    → ${g.fix}`);
    }
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : `${name}: nothing is Pending\n`);
    return 0;
  } finally {
    session.close();
  }
}
