// The device plugin against a kubelet-side peer built from the kubelet's own device-plugin
// packages: registration, device lists with NUMA topology and health, Allocate and
// GetPreferredAllocation over the wire, sysfs changes reaching the kubelet, and
// re-registration after a kubelet restart or a vanished plugin socket.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { eventually } from '../../support/cluster.ts';
import { DOWN_PF, INTEL_PF, MELLANOX_PF, vfAddress } from '../../unit/device-plugins/fake-sysfs.ts';
import {
  KubeletPeer,
  type PeerResource,
  pluginArgs,
  startPlugin,
  type Teardown,
  workspace,
} from './harness.ts';

const CONFIG = `
pools:
  - resourceName: ${SRIOV_VF_RESOURCE}
    selectors: {vendors: ["8086", "15b3"]}
  - resourceName: kubehpc.dev/unmatched
    selectors: {drivers: [igb_uio]}
`;

async function setup(t: Teardown) {
  const ws = workspace(t, CONFIG);
  const peer = await KubeletPeer.start(t, ws.kubeletDir);
  const plugin = await startPlugin(t, pluginArgs(ws, 'e2e-node', ['--no-topology']));
  const registered = await eventually('the pool to reach the kubelet peer', async () => {
    const r = await peer.resource(SRIOV_VF_RESOURCE);
    return r && r.devices.length > 0 ? r : undefined;
  });
  return { ws, peer, plugin, registered };
}

/** Waits until the peer's view of the pool satisfies `check`. */
function seen(peer: KubeletPeer, what: string, check: (r: PeerResource) => boolean) {
  return eventually(what, async () => {
    const r = await peer.resource(SRIOV_VF_RESOURCE);
    return r && check(r) ? r : undefined;
  });
}

t.test('registers and the kubelet sees every VF with its NUMA node and health', async (t) => {
  const { peer, plugin, registered } = await setup(t);
  t.equal(registered.registrations, 1);
  t.equal(registered.options?.get_preferred_allocation_available, true);
  const byId = Object.fromEntries(registered.devices.map((d) => [d.id, d]));
  t.equal(registered.devices.length, 10);
  t.same(byId[vfAddress(INTEL_PF, 0)], { id: vfAddress(INTEL_PF, 0), health: 'Healthy', numa: [0] });
  t.same(byId[vfAddress(MELLANOX_PF, 3)], { id: vfAddress(MELLANOX_PF, 3), health: 'Healthy', numa: [1] });
  t.same(byId[vfAddress(DOWN_PF, 1)], { id: vfAddress(DOWN_PF, 1), health: 'Unhealthy', numa: [0] });

  const state = await peer.state();
  t.notOk(state.resources['kubehpc.dev/unmatched'], 'a pool matching nothing is not registered');
  t.match(plugin.stderr(), /KHDP_POOL_EMPTY at pools\[1\]\.selectors/, 'and it is a logged warning');

  const health = await fetch(`${plugin.opsUrl}/readyz`);
  t.equal(health.status, 200);
  const metrics = await (await fetch(`${plugin.opsUrl}/metrics`)).text();
  t.match(metrics, /kubehpc_sriov_devices\{resource="kubehpc.dev\/sriov-vf",health="Healthy"\} 8/);
  t.match(metrics, /kubehpc_sriov_devices\{resource="kubehpc.dev\/sriov-vf",health="Unhealthy"\} 2/);
  t.match(metrics, /kubehpc_sriov_registrations_total\{resource="kubehpc.dev\/sriov-vf"\} 1/);
});

t.test('Allocate over the wire: env vars and VFIO device specs per container', async (t) => {
  const { peer, plugin } = await setup(t);
  const response = await peer.allocate(SRIOV_VF_RESOURCE, [
    [vfAddress(INTEL_PF, 1), vfAddress(INTEL_PF, 3)],
    [vfAddress(MELLANOX_PF, 0), vfAddress(MELLANOX_PF, 1)],
  ]);
  t.equal(response.status, 200);
  const containers = response.body.container_responses as Array<{
    envs: Record<string, string>;
    devices?: Array<{ container_path: string; host_path: string; permissions: string }>;
  }>;
  t.equal(containers.length, 2);
  t.same(containers[0]?.envs, { PCIDEVICE_KUBEHPC_DEV_SRIOV_VF: '0000:3b:02.1,0000:3b:02.3' });
  t.same(
    containers[0]?.devices?.map((d) => `${d.host_path}:${d.container_path}:${d.permissions}`),
    ['/dev/vfio/vfio:/dev/vfio/vfio:rw', '/dev/vfio/41:/dev/vfio/41:rw', '/dev/vfio/43:/dev/vfio/43:rw'],
  );
  t.same(containers[1]?.envs, { PCIDEVICE_KUBEHPC_DEV_SRIOV_VF: '0000:af:01.0,0000:af:01.1' });
  t.same(containers[1]?.devices ?? [], [], 'netdev VFs need no device nodes');

  const unknown = await peer.allocate(SRIOV_VF_RESOURCE, [['0000:00:1f.7']]);
  t.equal(unknown.status, 502);
  t.match(unknown.body.error, /NotFound.*KHDP_UNKNOWN_DEVICE.*0000:00:1f\.7/);

  const metrics = await (await fetch(`${plugin.opsUrl}/metrics`)).text();
  t.match(metrics, /kubehpc_sriov_allocations_total\{resource="kubehpc.dev\/sriov-vf"\} 1/);
  t.match(metrics, /kubehpc_sriov_allocated_devices_total\{resource="kubehpc.dev\/sriov-vf"\} 4/);
  t.match(
    metrics,
    /kubehpc_sriov_request_errors_total\{resource="kubehpc.dev\/sriov-vf",call="Allocate",code="KHDP_UNKNOWN_DEVICE"\} 1/,
  );
});

t.test('GetPreferredAllocation over the wire keeps a request on one NUMA node', async (t) => {
  const { peer } = await setup(t);
  const response = await peer.preferred(SRIOV_VF_RESOURCE, [
    {
      available: [
        vfAddress(INTEL_PF, 0),
        vfAddress(MELLANOX_PF, 0),
        vfAddress(MELLANOX_PF, 1),
        vfAddress(MELLANOX_PF, 2),
      ],
      size: 2,
    },
    {
      available: [vfAddress(INTEL_PF, 0), vfAddress(INTEL_PF, 1), vfAddress(MELLANOX_PF, 0)],
      mustInclude: [vfAddress(MELLANOX_PF, 0)],
      size: 2,
    },
  ]);
  t.equal(response.status, 200);
  const chosen = (response.body.container_responses as Array<{ deviceIDs: string[] }>).map(
    (c) => c.deviceIDs,
  );
  t.same(chosen[0], [vfAddress(MELLANOX_PF, 0), vfAddress(MELLANOX_PF, 1)]);
  t.equal(chosen[1]?.[0], vfAddress(MELLANOX_PF, 0), 'must-include device kept');
  t.equal(chosen[1]?.length, 2);
});

t.test('a PF link flip and a VF count change reach the kubelet as ListAndWatch updates', async (t) => {
  const { ws, peer, registered } = await setup(t);
  ws.sysfs.setOperstate(MELLANOX_PF.address, 'down');
  await seen(peer, 'the Mellanox VFs to turn Unhealthy', (r) =>
    r.devices.filter((d) => d.id.startsWith('0000:af:')).every((d) => d.health === 'Unhealthy'),
  );
  ws.sysfs.setOperstate(MELLANOX_PF.address, 'up');
  ws.sysfs.setOperstate(DOWN_PF.address, 'up');
  const healed = await seen(peer, 'every VF to be Healthy again', (r) =>
    r.devices.every((d) => d.health === 'Healthy'),
  );
  t.equal(healed.devices.length, 10);

  ws.sysfs.setNumVfs(INTEL_PF.address, 6);
  const grown = await seen(peer, 'two more Intel VFs', (r) => r.devices.length === 12);
  t.ok(grown.devices.some((d) => d.id === vfAddress(INTEL_PF, 5)));

  ws.sysfs.setNumVfs(INTEL_PF.address, 1);
  const shrunk = await seen(peer, 'the removed VFs to disappear', (r) => r.devices.length === 7);
  t.notOk(
    shrunk.devices.some((d) => d.id === vfAddress(INTEL_PF, 1)),
    'a VF gone is removed',
  );
  t.ok(shrunk.updates > registered.updates, 'each change came as a new ListAndWatch message');
  t.equal(shrunk.registrations, 1, 'no re-registration was needed');
});

t.test('a kubelet restart (sockets wiped, kubelet.sock recreated) leads to re-registration', async (t) => {
  const { ws, peer } = await setup(t);
  rmSync(join(ws.kubeletDir, 'kubelet.sock'));
  const restarted = await peer.restart();
  t.equal(restarted.status, 200);
  const again = await seen(peer, 're-registration', (r) => r.registrations === 2 && r.connected);
  await seen(peer, 'the device list after re-registration', (r) => r.devices.length === 10);
  t.equal(again.registrations, 2);

  // Devices keep being tracked across the restart: a change after it still arrives.
  ws.sysfs.setOperstate(INTEL_PF.address, 'down');
  await seen(peer, 'Intel VFs Unhealthy after the restart', (r) =>
    r.devices.filter((d) => d.id.startsWith('0000:3b:02')).every((d) => d.health === 'Unhealthy'),
  );
});

t.test('a vanished plugin socket is served and registered again', async (t) => {
  const { ws, peer } = await setup(t);
  rmSync(join(ws.kubeletDir, 'kubehpc-kubehpc.dev_sriov-vf.sock'));
  const again = await seen(peer, 're-registration', (r) => r.registrations === 2 && r.connected);
  t.equal(again.registrations, 2);
  const response = await peer.allocate(SRIOV_VF_RESOURCE, [[vfAddress(MELLANOX_PF, 2)]]);
  t.equal(response.status, 200, 'the new socket answers Allocate');
});

t.test('a plugin started before the kubelet registers once the kubelet comes up', async (t) => {
  const ws = workspace(t, CONFIG);
  const plugin = await startPlugin(t, pluginArgs(ws, 'e2e-node', ['--no-topology']));
  const cold = await fetch(`${plugin.opsUrl}/readyz`);
  t.equal(cold.status, 503, 'not ready without a kubelet');
  t.match(
    await cold.text(),
    /\[-\]kubelet-registration failed: not registered with the kubelet: kubehpc\.dev\/sriov-vf/,
  );
  t.equal((await fetch(`${plugin.opsUrl}/livez`)).status, 200, 'but alive');
  const peer = await KubeletPeer.start(t, ws.kubeletDir);
  const registered = await seen(peer, 'registration with the late kubelet', (r) => r.devices.length === 10);
  t.equal(registered.registrations, 1);
  await eventually('/readyz to turn 200', async () =>
    (await fetch(`${plugin.opsUrl}/readyz`)).status === 200 ? true : undefined,
  );
});
