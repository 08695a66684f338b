// kubehpc's SR-IOV device plugin under the real kubelet: run on a fake sysfs, it registers
// with real-0's kubelet (the fixed /var/lib/kubelet/device-plugins/kubelet.sock), the node
// advertises its VFs, and a pod requesting kubehpc.dev/sriov-vf starts there with the PCI
// addresses of the VFs it was given in its environment.

import type { V1Node } from '@kubernetes/client-node';
import t from 'tap';
import { SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { HOST_PATHS } from '../../../platform/src/realnode/config.ts';
import { eventually, objects, testNamespace } from '../../support/cluster.ts';
import { MELLANOX_PF, vfAddress } from '../../unit/device-plugins/fake-sysfs.ts';
import { pluginArgs, startPlugin, workspace } from '../device-plugins/harness.ts';
import { exec, podRunning, REAL_NODE_NAME, realNodeSkipReason, realPod } from './support.ts';

const skip = realNodeSkipReason();

// Only the Mellanox-like PF's VFs (mlx5_core, netdev VFs): a vfio-pci VF would hand the
// container /dev/vfio device nodes that a fake sysfs has no real counterpart of.
const CONFIG = `
pools:
  - resourceName: ${SRIOV_VF_RESOURCE}
    selectors: {vendors: ["15b3"]}
`;

const ENV = 'PCIDEVICE_KUBEHPC_DEV_SRIOV_VF';

async function allocatable(): Promise<string | undefined> {
  const node = (await objects().read({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: REAL_NODE_NAME },
  })) as V1Node;
  return node.status?.allocatable?.[SRIOV_VF_RESOURCE];
}

t.test("the real kubelet takes the plugin's VFs and hands a pod their PCI addresses", { skip }, async (t) => {
  const ws = workspace(t, CONFIG);
  const ns = await testNamespace(t, 'real-vf');
  const args = pluginArgs(ws, REAL_NODE_NAME, ['--no-topology']);
  args[args.indexOf('--kubelet-dir') + 1] = HOST_PATHS.devicePlugins;
  await startPlugin(t, args);
  const vfs = await eventually('real-0 to advertise the VFs', async () =>
    (await allocatable()) === String(MELLANOX_PF.numVfs) ? true : undefined,
  );
  t.ok(vfs, `real-0 allocatable ${SRIOV_VF_RESOURCE} = ${MELLANOX_PF.numVfs}`);

  const pod = realPod(ns, 'vf', 'echo "$PCIDEVICE_KUBEHPC_DEV_SRIOV_VF"; sleep 3600 & wait $!', {
    resources: { limits: { [SRIOV_VF_RESOURCE]: '2' }, requests: { [SRIOV_VF_RESOURCE]: '2' } },
  });
  // Straight to the kubelet: its admission and the device manager's allocation are under test.
  if (pod.spec) pod.spec.nodeName = REAL_NODE_NAME;
  await objects().create(pod);
  await podRunning(ns, 'vf');
  const given = (await exec(ns, 'vf', ['sh', '-c', `echo "$${ENV}"`])).trim().split(',');
  const offered = Array.from({ length: MELLANOX_PF.numVfs }, (_, i) => vfAddress(MELLANOX_PF, i));
  t.equal(given.length, 2, 'two VFs, as requested');
  t.equal(new Set(given).size, 2, 'two different VFs');
  for (const address of given) t.ok(offered.includes(address), `${address} is one of the plugin's VFs`);
});
