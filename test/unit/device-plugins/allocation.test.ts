// GetPreferredAllocation's choice (same NUMA node, then fewest PFs, honouring must-include)
// and Allocate's answer (PCI addresses in env, VFIO device nodes), both pure.

import t from 'tap';
import { allocate, pciEnvName } from '../../../device-plugins/src/allocation/allocate.ts';
import { preferredAllocation } from '../../../device-plugins/src/allocation/preferred.ts';
import { assignPools, type Pool } from '../../../device-plugins/src/selection/pools.ts';
import { discover } from '../../../device-plugins/src/sysfs/discovery.ts';
import { INTEL_PF, largeSysfs, MELLANOX_PF, standardSysfs, vfAddress } from './fake-sysfs.ts';

const RESOURCE = 'kubehpc.dev/sriov-vf';

function poolOf(root: string): Pool {
  const { pools } = assignPools({ pools: [{ resourceName: RESOURCE, selectors: {} }] }, discover(root).pfs);
  return pools[0] as Pool;
}

// Four PFs of four VFs: 0000:20 and 0000:22 on NUMA 0, 0000:21 and 0000:23 on NUMA 1.
const large = largeSysfs(4, 4);
t.teardown(() => large.remove());
const grid = poolOf(large.root);
const id = (bus: number, vf: number) => `0000:${bus}:01.${vf}`;
const all = grid.devices.map((d) => d.vf.address);
const prefer = (available: string[], size: number, mustInclude: string[] = []) => {
  const result = preferredAllocation(grid, { available, mustInclude, size });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
};

t.test('picks devices of one NUMA node on one PF when that fits', async (t) => {
  t.same(prefer(all, 2), [id(20, 0), id(20, 1)]);
});

t.test('prefers the NUMA node that fits most tightly, keeping roomy nodes free', async (t) => {
  const available = [
    id(21, 0),
    id(21, 1),
    id(21, 2),
    ...all.filter((a) => a.startsWith('0000:20') || a.startsWith('0000:22')),
  ];
  t.same(prefer(available, 3), [id(21, 0), id(21, 1), id(21, 2)]);
});

t.test('packs onto the fewest PFs: one PF that holds the request beats two part-used ones', async (t) => {
  const available = [id(20, 3), id(22, 0), id(22, 1), id(22, 2), id(22, 3)];
  t.same(prefer(available, 3), [id(22, 0), id(22, 1), id(22, 2)]);
  const split = [id(20, 2), id(20, 3), id(22, 1), id(22, 2), id(22, 3)];
  t.same(
    prefer(split, 4),
    [id(22, 1), id(22, 2), id(22, 3), id(20, 2)],
    'fullest PF first when none fits alone',
  );
});

t.test('must-include devices stay and pull the rest to their NUMA node and PF', async (t) => {
  const chosen = prefer(all, 3, [id(21, 2)]);
  t.same(chosen, [id(21, 2), id(21, 0), id(21, 1)]);
  t.same(prefer(all, 1, [id(23, 3)]), [id(23, 3)], 'size equal to must-include returns just those');
});

t.test('spreads over as few NUMA nodes as possible when none holds the request', async (t) => {
  const chosen = prefer(all, 10);
  t.equal(chosen.length, 10);
  const numa0 = chosen.filter((a) => a.startsWith('0000:20') || a.startsWith('0000:22'));
  t.equal(numa0.length, 8, 'one whole node first');
  t.same(chosen.slice(8), [id(21, 0), id(21, 1)], 'the rest packed on one PF of the other');
});

t.test('bad preferred-allocation requests are refused with a code', async (t) => {
  const unknown = preferredAllocation(grid, {
    available: [...all, '0000:99:00.0'],
    mustInclude: [],
    size: 1,
  });
  t.notOk(unknown.ok);
  if (!unknown.ok) {
    t.equal(unknown.problems[0]?.code, 'KHDP_UNKNOWN_DEVICE');
    t.match(unknown.problems[0]?.message, /0000:99:00\.0/);
  }
  const small = preferredAllocation(grid, { available: all, mustInclude: [id(20, 0), id(20, 1)], size: 1 });
  t.notOk(small.ok);
  if (!small.ok) t.equal(small.problems[0]?.code, 'KHDP_BAD_REQUEST');
  const big = preferredAllocation(grid, { available: [id(20, 0)], mustInclude: [], size: 2 });
  t.notOk(big.ok);
  if (!big.ok) t.match(big.problems[0]?.message, /exceeds the 1 device/);
});

t.test('Allocate: PCI addresses in env, VFIO nodes for vfio-pci VFs, one answer per container', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const pool = poolOf(fake.root);
  const result = allocate(pool, [
    [vfAddress(INTEL_PF, 0), vfAddress(INTEL_PF, 1)],
    [vfAddress(MELLANOX_PF, 0)],
  ]);
  t.ok(result.ok);
  if (!result.ok) return;
  t.same(result.value, [
    {
      envs: { PCIDEVICE_KUBEHPC_DEV_SRIOV_VF: '0000:3b:02.0,0000:3b:02.1' },
      devices: [
        { container_path: '/dev/vfio/vfio', host_path: '/dev/vfio/vfio', permissions: 'rw' },
        { container_path: '/dev/vfio/40', host_path: '/dev/vfio/40', permissions: 'rw' },
        { container_path: '/dev/vfio/41', host_path: '/dev/vfio/41', permissions: 'rw' },
      ],
    },
    { envs: { PCIDEVICE_KUBEHPC_DEV_SRIOV_VF: vfAddress(MELLANOX_PF, 0) }, devices: [] },
  ]);
});

t.test('Allocate refuses unknown and repeated device ids, naming the container', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const pool = poolOf(fake.root);
  const result = allocate(pool, [
    [vfAddress(INTEL_PF, 0)],
    ['0000:00:00.7', vfAddress(INTEL_PF, 2), vfAddress(INTEL_PF, 2)],
  ]);
  t.notOk(result.ok);
  if (result.ok) return;
  t.same(
    result.problems.map((p) => [p.code, p.path]),
    [
      ['KHDP_UNKNOWN_DEVICE', 'container_requests[1]'],
      ['KHDP_BAD_REQUEST', 'container_requests[1]'],
    ],
  );
  t.match(result.problems[0]?.message, /0000:00:00\.7/);
});

t.test('env var names follow the SR-IOV device plugin convention', async (t) => {
  t.equal(pciEnvName('kubehpc.dev/sriov-vf'), 'PCIDEVICE_KUBEHPC_DEV_SRIOV_VF');
  t.equal(pciEnvName('intel.com/intel_sriov_dpdk'), 'PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK');
});
