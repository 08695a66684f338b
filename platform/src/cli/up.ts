// `npm run up`: builds (once) and starts the local platform, then says what to try next.

import { relative } from 'node:path';
import { layout } from '../layout.ts';
import { up } from '../platform.ts';

const log = (line: string) => console.log(`kubehpc: ${line}`);

try {
  const l = layout();
  const result = await up(l, log);
  const kubeconfig = relative(process.cwd(), l.kubeconfig) || l.kubeconfig;
  const bin = relative(process.cwd(), l.binDir) || l.binDir;
  if (result.alreadyRunning) {
    log(`the local platform is already running (${result.nodes.length} simulated nodes); nothing to do.`);
  } else {
    log(
      `the local platform is up in ${result.seconds.toFixed(1)} s: Kubernetes ${result.binaries.versions.kubernetes}, etcd ${result.binaries.versions.etcd}, kwok ${result.binaries.versions.kwok}, ${result.nodes.length} simulated nodes${result.realNode ? ` and the real node ${result.realNode} (kubelet + containerd)` : ''}.`,
    );
  }
  console.log(`
Try next:
  export KUBECONFIG=${kubeconfig}
  export PATH=$PWD/kubectl-plugin/bin:$PWD/${bin}:$PATH   # kubectl hpc, and kubectl ${result.binaries.versions.kubernetes}
  kubectl hpc project create demo
  kubectl hpc deploy portal -n demo --image registry.example/portal:1 --replicas 3 --port http:8080
  kubectl hpc get -n demo && kubectl hpc status portal -n demo
  kubectl get nodes -L node.kubehpc.dev/class
  kubectl get pods -n demo -o wide${
    result.realNode
      ? `
  kubectl run real --image=kubehpc.local/busybox:1 --image-pull-policy=Never --restart=Never \\
    --overrides='{"spec":{"nodeName":"${result.realNode}"}}' -- sh -c 'echo hello from a real container; sleep 3600'
  kubectl logs real`
      : ''
  }

Logs are in ${relative(process.cwd(), l.logDir) || l.logDir}/; stop everything with: npm run down`);
} catch (error) {
  console.error(`kubehpc: npm run up failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
