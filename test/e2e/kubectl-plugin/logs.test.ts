// `kubectl hpc logs` on the real node: real containers writing real lines. Every replica's
// lines come back prefixed by their pod; with -f, a replica that starts later is followed too
// (stern's model). Skipped when the platform runs without the real node.

import t from 'tap';
import { REAL_NODE_ANNOTATION, SERVICE_LABEL } from '../../../common/names.ts';
import { eventually, kubectl, testNamespace } from '../../support/cluster.ts';
import { BUSYBOX_IMAGE, realNodeSkipReason } from '../realnode/support.ts';
import { hpc, spawnHpc } from './support.ts';

const SCRIPT = `trap 'exit 0' TERM; i=0; while true; do echo "line $i from $HOSTNAME"; i=$((i+1)); sleep 1 & wait $!; done`;

async function runningPods(ns: string, service: string, count: number): Promise<string[]> {
  return eventually(
    `${count} running pods of ${service}`,
    async () => {
      const out = await kubectl(['get', 'pods', '-n', ns, '-l', `${SERVICE_LABEL}=${service}`, '-o', 'json']);
      const pods = (
        JSON.parse(out.stdout) as {
          items: { metadata: { name: string; deletionTimestamp?: string }; status?: { phase?: string } }[];
        }
      ).items.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running');
      return pods.length === count ? pods.map((p) => p.metadata.name).sort() : undefined;
    },
    180_000,
  );
}

t.test(
  'logs: every replica, prefixed by pod; -f follows a replica that starts later',
  { skip: realNodeSkipReason() },
  async (t) => {
    const ns = await testNamespace(t, 'hpc-logs');
    const manifest = {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'talker', namespace: ns, annotations: { [REAL_NODE_ANNOTATION]: 'true' } },
      spec: { image: BUSYBOX_IMAGE, command: ['sh', '-c', SCRIPT], replicas: 2 },
    };
    const applied = await kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    t.equal(applied.code, 0, applied.stderr);
    const pods = await runningPods(ns, 'talker', 2);

    // Each container must have written three lines or more (one numbered 2 or higher shows),
    // so that getting exactly two proves --tail cut them.
    const once = await eventually('each replica past its third line', async () => {
      const out = await hpc(['logs', 'talker', '-n', ns, '--tail', '2']);
      const past = (p: string) => new RegExp(`^${p} line ([2-9]|\\d{2,}) from`, 'm').test(out.stdout);
      return pods.every(past) ? out : undefined;
    });
    t.equal(once.code, 0, once.stderr);
    for (const pod of pods) {
      const own = once.stdout.split('\n').filter((l) => l.startsWith(`${pod} `));
      t.equal(own.length, 2, `--tail 2 gives two lines of ${pod}`);
      t.ok(
        own.every((l) => new RegExp(`^${pod} line \\d+ from ${pod}$`).test(l)),
        `each line is the container's own, prefixed by its pod: ${JSON.stringify(own)}`,
      );
    }

    const follow = spawnHpc(['logs', 'talker', '-n', ns, '-f', '--tail', '1']);
    let followed = '';
    follow.stdout?.on('data', (chunk: Buffer) => {
      followed += chunk.toString('utf8');
    });
    t.teardown(() => {
      follow.kill('SIGINT');
    });
    await eventually('both replicas followed', async () =>
      pods.every((p) => followed.includes(`${p} line`)) ? true : undefined,
    );
    const scaled = await hpc(['scale', 'talker', '3', '-n', ns]);
    t.equal(scaled.code, 0, scaled.stderr);
    const third = (await runningPods(ns, 'talker', 3)).find((p) => !pods.includes(p));
    t.ok(third, 'a third replica runs');
    // Any of its lines: -f --tail 1 attaches to the new pod whenever the poll sees it, so which
    // line comes first depends on when that is.
    const ofThird = new RegExp(`^${third} line \\d+ from ${third}$`, 'm');
    await eventually(
      'the new replica followed',
      async () => (ofThird.test(followed) ? true : undefined),
      120_000,
    );
    t.match(followed, ofThird, 'the new pod’s lines, prefixed');
  },
);
