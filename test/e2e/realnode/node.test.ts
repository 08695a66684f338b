// The real node real-0 as users meet it: a Ready node of the pinned release beside the kwok
// nodes, only for pods that ask for it, running real containers whose logs, exec and pod IPs
// work, on a pod network that reaches nothing but this machine.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { V1Node } from '@kubernetes/client-node';
import t from 'tap';
import { KWOK_NODE_ANNOTATION, NODE_CLASS_LABEL, REAL_NODE_TAINT } from '../../../common/names.ts';
import { eventually, kubectl, objects, platform, testNamespace } from '../../support/cluster.ts';
import { exec, logs, podRunning, REAL_NODE_NAME, readPod, realNodeSkipReason, realPod } from './support.ts';

const run = promisify(execFile);
const skip = realNodeSkipReason();

t.test('real-0 is a Ready node of the pinned release, tainted for the pods that ask', { skip }, async (t) => {
  const node = (await objects().read({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: REAL_NODE_NAME },
  })) as V1Node;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  t.equal(ready?.status, 'True', 'Ready');
  t.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.36.3', 'the kubelet reports the pinned version');
  t.match(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
  t.equal(node.metadata?.labels?.[NODE_CLASS_LABEL], 'real');
  t.equal(node.metadata?.annotations?.[KWOK_NODE_ANNOTATION], undefined, 'not a kwok node');
  t.same(
    node.spec?.taints?.filter((taint) => taint.key === REAL_NODE_TAINT).map((taint) => taint.effect),
    ['NoSchedule'],
  );
  t.ok(
    node.status?.addresses?.some((a) => a.type === 'InternalIP' && a.address === '10.245.0.1'),
    "reached at the host's address on the pods' bridge",
  );
});

t.test('a pod that does not tolerate the taint is not placed on real-0', { skip }, async (t) => {
  const ns = await testNamespace(t, 'real-taint');
  const pod = realPod(ns, 'no-toleration', 'sleep 3600');
  delete pod.spec?.tolerations;
  await objects().create(pod);
  const reason = await eventually('the scheduler to give up on the pod', async () => {
    const current = await readPod(ns, 'no-toleration');
    const condition = current.status?.conditions?.find((c) => c.type === 'PodScheduled');
    return condition?.status === 'False' ? condition.message : undefined;
  });
  t.match(reason, /1 node\(s\) had untolerated taint/, 'real-0 is refused for its taint alone');
  t.equal((await readPod(ns, 'no-toleration')).spec?.nodeName, undefined);
});

t.test('the kubelet holds a node identity: it may not touch another node', { skip }, async (t) => {
  const kwokNode = (await objects().list('v1', 'Node')).items.find(
    (n) => n.metadata?.name !== REAL_NODE_NAME,
  );
  t.ok(kwokNode, 'a kwok node to try');
  const kubeletKubeconfig = join(platform.configDir, 'kubelet.kubeconfig');
  const kubectlBin = join(platform.binDir, 'kubectl');
  const attempt = await run(kubectlBin, [
    '--kubeconfig',
    kubeletKubeconfig,
    'label',
    'node',
    kwokNode?.metadata?.name ?? '',
    'e2e.kubehpc.dev/hijacked=true',
  ]).then(
    () => 'allowed',
    (error: { stderr?: string }) => error.stderr ?? '',
  );
  t.match(attempt, /forbidden/i, 'the Node authorizer and NodeRestriction refuse it');
  const whoami = await run(kubectlBin, [
    '--kubeconfig',
    kubeletKubeconfig,
    'auth',
    'whoami',
    '-o',
    'jsonpath={.status.userInfo.username}',
  ]);
  t.equal(whoami.stdout, `system:node:${REAL_NODE_NAME}`);
});

t.test(
  'a real container: logs, exec, a pod IP the host reaches and no route off the machine',
  { skip },
  async (t) => {
    const ns = await testNamespace(t, 'real-pod');
    const token = `line-${Date.now().toString(36)}`;
    const script = [
      'mkdir -p /tmp/www',
      `echo ${token}-served > /tmp/www/index.html`,
      'httpd -p 8080 -h /tmp/www',
      'i=0',
      `while true; do i=$((i+1)); echo "${token} $i"; sleep 1 & wait $!; done`,
    ].join('; ');
    const pod = realPod(ns, 'web', script, {
      ports: [{ containerPort: 8080, name: 'http' }],
      // The kubelet dials the pod IP for this probe: Ready proves the pod network works both ways.
      readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
    });
    await objects().create(pod);
    const running = await podRunning(ns, 'web');
    t.equal(running.spec?.nodeName, REAL_NODE_NAME);
    const ip = running.status?.podIP ?? '';
    t.match(ip, /^10\.245\.0\.\d+$/, "an address from the real node's own pod range");

    const lines = await eventually('three log lines', async () => {
      const text = await logs(ns, 'web');
      return text.includes(`${token} 3`) ? text : undefined;
    });
    t.match(lines, new RegExp(`^${token} 1$`, 'm'), 'kubectl logs shows what the container wrote');

    t.equal((await exec(ns, 'web', ['cat', '/tmp/www/index.html'])).trim(), `${token}-served`);
    t.equal((await exec(ns, 'web', ['id', '-u'])).trim(), '65532', "the image's non-root user");

    const response = await fetch(`http://${ip}:8080/`);
    t.equal((await response.text()).trim(), `${token}-served`, 'the host reaches the pod at its IP');

    const routes = (await exec(ns, 'web', ['ip', 'route'])).trim().split('\n');
    t.same(
      routes.map((r) => r.split(/\s+/)[0]),
      ['10.245.0.0/24'],
      "the pod's only route is its own subnet: no default route, so nothing leaves the machine",
    );
    const outside = await kubectl([
      'exec',
      '-n',
      ns,
      'web',
      '--',
      'wget',
      '-q',
      '-T',
      '2',
      '-O',
      '-',
      'http://192.0.2.1/',
    ]);
    t.not(outside.code, 0, 'an address off the machine is unreachable');
  },
);
