// The container image real clusters run (image/) runs on the real node as a pod: imported
// into real-0's containerd from its OCI archive, started non-root on a read-only root
// filesystem by the real kubelet, and each kubehpc program inside it answers.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';
import { buildImage } from '../../../image/build.ts';
import { realNodePaths } from '../../../platform/src/realnode/config.ts';
import { eventually, objects, platform, testNamespace } from '../../support/cluster.ts';
import { logs, readPod, realNodeSkipReason, realPod } from './support.ts';

const run = promisify(execFile);
const skip = realNodeSkipReason();

t.test('the kubehpc image runs on real-0: every program starts inside it', { skip }, async (t) => {
  const image = await buildImage();
  const socket = realNodePaths(platform).containerdSocket;
  await run('ctr', ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', image.archive], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const listed = await run('ctr', ['--address', socket, '--namespace', 'k8s.io', 'images', 'list', '-q']);
  t.ok(listed.stdout.split('\n').includes(image.ref), `containerd holds ${image.ref}`);

  const ns = await testNamespace(t, 'real-image');
  const programs = ['scheduler-extender', 'controllers', 'device-plugin'];
  for (const program of programs) {
    const pod = realPod(ns, program, '');
    const spec = pod.spec as NonNullable<typeof pod.spec>;
    spec.restartPolicy = 'Never';
    spec.containers = [
      {
        name: 'main',
        image: image.ref,
        imagePullPolicy: 'Never',
        args: [program, '--help'],
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ];
    await objects().create(pod);
  }
  for (const program of programs) {
    const finished = await eventually(
      `the ${program} pod to finish`,
      async () => {
        const pod = await readPod(ns, program);
        const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
        if (waiting?.reason && /ErrImage|ImagePull|CreateContainer|InvalidImageName/.test(waiting.reason))
          throw new Error(`${program}: ${waiting.reason}: ${waiting.message ?? ''}`);
        return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' ? pod : undefined;
      },
      180_000,
    );
    t.equal(finished.status?.phase, 'Succeeded', `${program} --help exits 0 in the image`);
    t.equal(finished.spec?.nodeName, 'real-0');
    t.match(await logs(ns, program), /usage/, `${program} prints its usage`);
    const state = finished.status?.containerStatuses?.[0]?.state?.terminated;
    t.equal(state?.exitCode, 0);
  }
});
