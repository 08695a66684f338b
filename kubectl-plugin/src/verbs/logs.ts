// `logs NAME`: the logs of every replica, each line prefixed by its pod (coloured on a
// terminal); with -f, follows every pod and picks up new ones as they start (stern's model).

import { PODS, PROJECT_SERVICES, resourcePath } from '../../../common/kube/resources.ts';
import type { VerbInput } from '../dispatch.ts';
import { connect } from '../session.ts';
import { checkName, parseCount, parseDuration } from '../values.ts';

const COLOURS = [36, 32, 33, 35, 34, 31, 96, 92, 93, 95];
const POLL_MS = 2000;

interface Pod {
  metadata: { name: string };
  status?: { phase?: string };
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const query = {
    follow: flags.follow ? 'true' : undefined,
    sinceSeconds:
      typeof flags.since === 'string' ? Math.ceil(parseDuration(flags.since, 'since') / 1000) : undefined,
    tailLines: typeof flags.tail === 'string' ? parseCount(flags.tail, 'tail') : undefined,
    container: typeof flags.container === 'string' ? flags.container : undefined,
    timestamps: flags.timestamps ? 'true' : undefined,
  };
  const session = await connect(flags);
  const colour = Boolean(process.stdout.isTTY);
  const seen = new Map<string, number>();
  const prefix = (pod: string) => {
    if (!seen.has(pod)) seen.set(pod, seen.size);
    const c = COLOURS[(seen.get(pod) ?? 0) % COLOURS.length];
    return colour ? `\x1b[${c}m${pod}\x1b[0m ` : `${pod} `;
  };
  const { api, client, namespace } = session;
  const podsNow = async () => {
    const ps = await api.get<{ status?: { selector?: string } }>(PROJECT_SERVICES, namespace, name);
    if (!ps.status?.selector) return [];
    return (await api.list<Pod>(PODS, namespace, { labelSelector: ps.status.selector })).items.filter(
      (p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    );
  };
  const stream = (pod: string, signal?: AbortSignal) =>
    client.stream(
      `${resourcePath(PODS, namespace, pod)}/log`,
      query,
      (line) => process.stdout.write(`${prefix(pod)}${line}\n`),
      signal,
    );
  try {
    if (!flags.follow) {
      for (const pod of await podsNow())
        await stream(pod.metadata.name).catch((e: Error) =>
          process.stderr.write(`${pod.metadata.name}: ${e.message}\n`),
        );
      return 0;
    }
    const following = new Map<string, AbortController>();
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    while (!stop.signal.aborted) {
      const pods = await podsNow().catch(() => [] as Pod[]);
      for (const pod of pods)
        if (!following.has(pod.metadata.name)) {
          const ctl = new AbortController();
          following.set(pod.metadata.name, ctl);
          process.stderr.write(`+ ${pod.metadata.name}\n`);
          stream(pod.metadata.name, ctl.signal)
            .catch((e: Error) => process.stderr.write(`${pod.metadata.name}: ${e.message}\n`))
            .finally(() => following.delete(pod.metadata.name));
        }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    for (const ctl of following.values()) ctl.abort();
    return 0;
  } finally {
    session.close();
  }
}
