// `status NAME` (and `describe`): the service, its pods with their nodes, its conditions,
// recent events, and the last scaling decision of its policy.

import { ApiError } from '../../../common/kube/client.ts';
import {
  EVENTS,
  type KubeObject,
  PODS,
  PROJECT_SERVICES,
  SCALING_POLICIES,
} from '../../../common/kube/resources.ts';
import { humanDuration, layoutColumns } from '../../../common/print/table.ts';
import { type PodLike, pendingReasons, type ServiceLike } from '../deploy/progress.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName } from '../values.ts';

type Service = ServiceLike & { spec?: { image?: string }; status?: { selector?: string } };
interface Event extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const session = await connect(flags);
  try {
    const { api, namespace } = session;
    const ps = await api.get<Service>(PROJECT_SERVICES, namespace, name);
    const pods = ps.status?.selector
      ? (await api.list<PodLike>(PODS, namespace, { labelSelector: ps.status.selector })).items
      : [];
    const events = (await api.list<Event>(EVENTS, namespace)).items
      .filter(
        (e) =>
          e.involvedObject?.name === name || pods.some((p) => p.metadata.name === e.involvedObject?.name),
      )
      .sort(
        (a, b) =>
          Date.parse(a.lastTimestamp ?? a.eventTime ?? '') - Date.parse(b.lastTimestamp ?? b.eventTime ?? ''),
      )
      .slice(-10);
    let policy:
      | {
          status?: { lastDecision?: { id: string; from: number; to: number; reason?: string; time: string } };
        }
      | undefined;
    try {
      policy = await api.get(SCALING_POLICIES, namespace, name);
    } catch (error) {
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 403))) throw error;
    }
    const now = Date.now();
    const s = ps.status ?? {};
    const out = [
      `Name:       ${name}`,
      `Namespace:  ${namespace}`,
      `Image:      ${ps.spec?.image ?? ''}`,
      `Phase:      ${s.phase ?? 'Unknown'}`,
      `Replicas:   ${s.readyReplicas ?? 0}/${ps.spec?.replicas ?? 1} ready, ${s.updatedReplicas ?? 0} updated`,
      `Endpoint:   ${s.endpoint ?? '<none>'}`,
      '',
      'Conditions:',
      layoutColumns([
        ['  TYPE', 'STATUS', 'REASON', 'MESSAGE'],
        ...(s.conditions ?? []).map((c) => [`  ${c.type}`, c.status, c.reason ?? '', c.message ?? '']),
      ]),
      '',
      'Pods:',
      pods.length === 0
        ? '  <none>'
        : layoutColumns([
            ['  NAME', 'PHASE', 'READY', 'NODE'],
            ...pods.map((p) => [
              `  ${p.metadata.name}`,
              p.status?.phase ?? '',
              p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'yes' : 'no',
              p.spec?.nodeName ?? '<none>',
            ]),
          ]),
    ];
    const pending = pendingReasons(pods);
    if (pending.length) out.push('', 'Waiting:', ...pending.map((p) => `  ${p}`));
    out.push('', 'Scaling:');
    const d = policy?.status?.lastDecision;
    out.push(
      !policy
        ? '  no ScalingPolicy (kubectl hpc autoscale)'
        : d
          ? `  last decision ${d.id}: ${d.from} → ${d.to} (${d.reason ?? ''}) ${humanDuration(now - Date.parse(d.time))} ago`
          : '  policy not evaluated yet',
    );
    out.push('', 'Events:');
    out.push(
      events.length === 0
        ? '  <none>'
        : layoutColumns([
            ['  AGE', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
            ...events.map((e) => [
              `  ${humanDuration(now - Date.parse(e.lastTimestamp ?? e.eventTime ?? ''))}`,
              e.type ?? '',
              e.reason ?? '',
              `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
              e.message ?? '',
            ]),
          ]),
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    session.close();
  }
}
