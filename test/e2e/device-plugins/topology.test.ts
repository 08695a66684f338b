// The topology publisher against the local platform: the NodeResourceTopology it writes
// matches the fake sysfs, follows sysfs changes, and comes back when deleted.

import { randomBytes } from 'node:crypto';
import t from 'tap';
import { NODE_RESOURCE_TOPOLOGY, SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { adminKubeConfig, eventually, objects, platform } from '../../support/cluster.ts';
import { INTEL_PF } from '../../unit/device-plugins/fake-sysfs.ts';
import { pluginArgs, startPlugin, workspace } from './harness.ts';

interface Zone {
  name: string;
  type: string;
  resources: Array<{ name: string; capacity: string; allocatable: string; available: string }>;
}

const CONFIG = `
pools:
  - resourceName: ${SRIOV_VF_RESOURCE}
`;

t.test('publishes one zone per NUMA node with CPUs, memory and VFs, kept current', async (t) => {
  adminKubeConfig();
  const nodeName = `e2e-dp-${randomBytes(3).toString('hex')}`;
  const ref = {
    apiVersion: `${NODE_RESOURCE_TOPOLOGY.group}/${NODE_RESOURCE_TOPOLOGY.version}`,
    kind: NODE_RESOURCE_TOPOLOGY.kind,
    metadata: { name: nodeName },
  };
  const client = objects();
  const ws = workspace(t, CONFIG);
  const plugin = await startPlugin(
    t,
    pluginArgs(ws, nodeName, ['--kubeconfig', platform.kubeconfig, '--topology-resync', '1']),
  );
  // Stop the plugin before deleting its object, or a resync could write it again.
  t.teardown(async () => {
    await plugin.stop();
    await client.delete(ref).catch(() => undefined);
  });
  const read = async () => (await client.read(ref)) as unknown as { zones: Zone[]; attributes: unknown[] };
  const amounts = (zones: Zone[]) =>
    zones.map((z) => [
      z.name,
      z.type,
      ...z.resources.map((r) => `${r.name}=${r.capacity}/${r.allocatable}/${r.available}`),
    ]);

  const first = await eventually('the NodeResourceTopology to appear', () => read().catch(() => undefined));
  t.same(amounts(first.zones), [
    ['node-0', 'Node', 'cpu=4/4/4', 'memory=8Gi/8Gi/8Gi', `${SRIOV_VF_RESOURCE}=6/4/4`],
    ['node-1', 'Node', 'cpu=4/4/4', 'memory=8Gi/8Gi/8Gi', `${SRIOV_VF_RESOURCE}=4/4/4`],
  ]);
  t.same(first.attributes, [
    { name: 'topologyManagerPolicy', value: 'single-numa-node' },
    { name: 'topologyManagerScope', value: 'container' },
  ]);

  ws.sysfs.setOperstate(INTEL_PF.address, 'down');
  ws.sysfs.setNumVfs(INTEL_PF.address, 8);
  const changed = await eventually('the topology to follow sysfs', async () => {
    const nrt = await read();
    const vfs = nrt.zones[0]?.resources.find((r) => r.name === SRIOV_VF_RESOURCE);
    return vfs?.capacity === '10' ? vfs : undefined;
  });
  t.same(changed, { name: SRIOV_VF_RESOURCE, capacity: '10', allocatable: '0', available: '0' });

  await client.delete(ref);
  const back = await eventually('the deleted topology to be written again', () =>
    read().catch(() => undefined),
  );
  t.equal(back.zones.length, 2);
});
