// The inventory reports only real changes, and the ops endpoint says unhealthy while no
// kubelet has accepted the plugin.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger, silentLogger } from '../../../common/log.ts';
import { SRIOV_VF_RESOURCE } from '../../../common/names.ts';
import { Inventory } from '../../../device-plugins/src/inventory/inventory.ts';
import { startPlugin } from '../../../device-plugins/src/plugin.ts';
import { INTEL_PF, MELLANOX_PF, standardSysfs } from './fake-sysfs.ts';

const CONFIG = { pools: [{ resourceName: SRIOV_VF_RESOURCE, selectors: {} }] };

t.test('refresh reports a pool only when its devices, health or topology change', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const inventory = new Inventory(fake.root, CONFIG, silentLogger);
  const seen: string[][] = [];
  inventory.onChange((changed) => seen.push(changed));
  t.same(inventory.refresh(), [SRIOV_VF_RESOURCE], 'the first discovery is a change');
  t.same(inventory.refresh(), [], 'nothing changed');
  fake.setOperstate(MELLANOX_PF.address, 'down');
  t.same(inventory.refresh(), [SRIOV_VF_RESOURCE], 'a link flip is a change');
  fake.setNumVfs(INTEL_PF.address, 5);
  t.same(inventory.refresh(), [SRIOV_VF_RESOURCE], 'a VF count change is a change');
  t.equal(inventory.pool(SRIOV_VF_RESOURCE)?.devices.length, 11);
  t.equal(seen.length, 3, 'listeners heard exactly the changes');
});

t.test('sysfs problems are logged once when they appear, not on every refresh', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const lines: string[] = [];
  const inventory = new Inventory(
    fake.root,
    CONFIG,
    createLogger({ component: 'test', destination: { write: (l) => lines.push(l) } }),
  );
  rmSync(fake.devicePath(`0000:af:01.2`, 'vendor'));
  inventory.refresh();
  inventory.refresh();
  t.equal(lines.filter((l) => l.includes('KHDP_SYSFS_UNREADABLE')).length, 1);
  t.equal(inventory.pool(SRIOV_VF_RESOURCE)?.devices.length, 9, 'the unreadable VF is left out');
});

t.test('/readyz is 503 until the kubelet accepts the plugin; /metrics counts devices', async (t) => {
  const fake = standardSysfs();
  const kubeletDir = mkdtempSync(join(tmpdir(), 'kubehpc-dp-nokubelet-'));
  t.teardown(() => {
    fake.remove();
    rmSync(kubeletDir, { recursive: true, force: true });
  });
  const plugin = await startPlugin({
    config: CONFIG,
    sysfsRoot: fake.root,
    kubeletDir,
    nodeName: 'n',
    pollIntervalMs: 50,
    metrics: { host: '127.0.0.1', port: 0 },
    logger: silentLogger,
  });
  t.teardown(() => plugin.stop());
  const ready = await fetch(`${plugin.opsAddress}/readyz`);
  t.equal(ready.status, 503);
  t.equal(
    await ready.text(),
    `[-]kubelet-registration failed: not registered with the kubelet: ${SRIOV_VF_RESOURCE}\nreadyz check failed\n`,
  );
  t.equal((await fetch(`${plugin.opsAddress}/livez`)).status, 200, 'alive all the same');
  const metrics = await (await fetch(`${plugin.opsAddress}/metrics`)).text();
  t.match(metrics, /kubehpc_sriov_devices\{resource="kubehpc.dev\/sriov-vf",health="Unhealthy"\} 2/);
  t.equal(plugin.endpoints.get(SRIOV_VF_RESOURCE)?.registrations, 0);
});
