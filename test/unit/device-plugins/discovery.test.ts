// Discovery reads PFs, VFs and NUMA nodes from a fake sysfs tree; unreadable entries become
// problems and never stop discovery of the other devices.

import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { discover, linkStateOf } from '../../../device-plugins/src/sysfs/discovery.ts';
import { discoverNuma, parseCpuList, parseMemTotal } from '../../../device-plugins/src/sysfs/numa.ts';
import { DOWN_PF, INTEL_PF, MELLANOX_PF, standardSysfs, vfAddress } from './fake-sysfs.ts';

t.test('finds every SR-IOV PF with its VFs, drivers, IOMMU groups, NUMA nodes and link state', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const { pfs, problems } = discover(fake.root);
  t.same(problems, []);
  t.same(
    pfs.map((pf) => [pf.address, pf.netdev, pf.link, pf.numaNode, pf.totalVfs, pf.numVfs, pf.vfs.length]),
    [
      [INTEL_PF.address, 'ens1f0', 'up', 0, 64, 4, 4],
      [DOWN_PF.address, 'ens1f1', 'down', 0, 64, 2, 2],
      [MELLANOX_PF.address, 'ens2f0', 'up', 1, 16, 4, 4],
    ],
  );
  const intel = pfs[0]?.vfs[2];
  t.same(intel, {
    address: '0000:3b:02.2',
    index: 2,
    pfAddress: INTEL_PF.address,
    pfName: 'ens1f0',
    vendor: '8086',
    device: '154c',
    driver: 'vfio-pci',
    iommuGroup: '42',
    numaNode: 0,
  });
  const mellanox = pfs[2]?.vfs.map((vf) => [vf.address, vf.driver, vf.vendor, vf.device, vf.numaNode]);
  t.same(mellanox?.[0], [vfAddress(MELLANOX_PF, 0), 'mlx5_core', '15b3', '1018', 1]);
});

t.test('a changed VF count shows in the next discovery', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  fake.setNumVfs(INTEL_PF.address, 7);
  t.equal(discover(fake.root).pfs[0]?.vfs.length, 7);
  fake.setNumVfs(INTEL_PF.address, 1);
  const pf = discover(fake.root).pfs[0];
  t.equal(pf?.numVfs, 1);
  t.same(
    pf?.vfs.map((vf) => vf.address),
    ['0000:3b:02.0'],
  );
});

t.test('operstate maps to link state; only a known-down link counts as down', async (t) => {
  t.equal(linkStateOf('up'), 'up');
  t.equal(linkStateOf('down'), 'down');
  t.equal(linkStateOf('lowerlayerdown'), 'down');
  t.equal(linkStateOf('unknown'), 'unknown');
  t.equal(linkStateOf('dormant'), 'unknown');
  t.equal(linkStateOf(undefined), 'unknown');
});

t.test('unreadable entries are reported with their path and skip only the affected device', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  // A VF whose vendor file cannot be read (a directory where a file should be).
  const broken = fake.devicePath(vfAddress(INTEL_PF, 1), 'vendor');
  rmSync(broken);
  mkdirSync(broken);
  // A virtfn link that points at a VF that vanished.
  rmSync(fake.devicePath(vfAddress(MELLANOX_PF, 3)), { recursive: true });
  // A PF whose operstate is missing: link state unknown, not a crash.
  rmSync(fake.devicePath(DOWN_PF.address, 'net', 'ens1f1', 'operstate'));
  // A VF whose physfn link disagrees with the PF that lists it.
  const stray = fake.devicePath(vfAddress(DOWN_PF, 0), 'physfn');
  rmSync(stray);
  symlinkSync(`../${INTEL_PF.address}`, stray);
  // A PF with a malformed sriov_numvfs.
  writeFileSync(fake.devicePath(MELLANOX_PF.address, 'sriov_numvfs'), 'many\n');
  const { pfs, problems } = discover(fake.root);
  t.same(
    pfs.map((pf) => pf.vfs.length),
    [3, 1, 3],
  );
  t.equal(pfs[1]?.link, 'unknown');
  t.ok(
    problems.some((p) => p.path === stray && /expected 0000:3b:00\.1/.test(p.message)),
    'the disagreeing physfn is named',
  );
  const paths = problems.map((p) => p.path);
  t.ok(paths.includes(broken), 'the unreadable vendor file is named');
  t.ok(paths.includes(fake.devicePath(vfAddress(MELLANOX_PF, 3), 'vendor')), 'the vanished VF is named');
  t.ok(paths.includes(fake.devicePath(MELLANOX_PF.address, 'sriov_numvfs')), 'the malformed count is named');
  t.ok(problems.every((p) => p.code === 'KHDP_SYSFS_UNREADABLE'));
});

t.test('a missing sysfs root is a problem, not an exception', async (t) => {
  const { pfs, problems } = discover('/nonexistent/kubehpc-sysfs');
  t.same(pfs, []);
  t.equal(problems.length, 1);
  t.match(problems[0]?.message, /ENOENT/);
});

t.test('NUMA nodes: CPUs from cpulist, memory from meminfo, distances', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const { nodes, problems } = discoverNuma(fake.root);
  t.same(problems, []);
  t.same(nodes, [
    { id: 0, cpus: [0, 1, 2, 3], memoryBytes: 8 * 2 ** 30, distances: [10, 21] },
    { id: 1, cpus: [4, 5, 6, 7], memoryBytes: 8 * 2 ** 30, distances: [21, 10] },
  ]);
  t.same(parseCpuList('0-2,8,10-11'), [0, 1, 2, 8, 10, 11]);
  t.equal(parseCpuList('3-1'), undefined);
  t.equal(parseCpuList('a'), undefined);
  t.equal(parseMemTotal('Node 0 MemTotal:   16 kB'), 16384);
  t.equal(parseMemTotal('nothing'), undefined);
});

t.test('a NUMA node with a malformed cpulist is skipped and reported', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  writeFileSync(`${fake.root}/devices/system/node/node1/cpulist`, 'x-y\n');
  const { nodes, problems } = discoverNuma(fake.root);
  t.same(
    nodes.map((n) => n.id),
    [0],
  );
  t.equal(problems.length, 1);
  t.match(problems[0]?.path, /node1$/);
});
