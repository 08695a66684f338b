// Config parsing and selectors: strict config with every problem named by its entry, PF
// selectors with VF ranges, first-match pool assignment, empty pools as warnings.

import t from 'tap';
import { parseConfig, resourceNameProblem } from '../../../device-plugins/src/selection/config.ts';
import { assignPools } from '../../../device-plugins/src/selection/pools.ts';
import { matches, parsePfSelector } from '../../../device-plugins/src/selection/selectors.ts';
import { discover } from '../../../device-plugins/src/sysfs/discovery.ts';
import type { VirtualFunction } from '../../../device-plugins/src/sysfs/model.ts';
import { DOWN_PF, INTEL_PF, MELLANOX_PF, standardSysfs, vfAddress } from './fake-sysfs.ts';

const vf = (overrides: Partial<VirtualFunction> = {}): VirtualFunction => ({
  address: '0000:3b:02.0',
  index: 0,
  pfAddress: '0000:3b:00.0',
  pfName: 'ens1f0',
  vendor: '8086',
  device: '154c',
  driver: 'vfio-pci',
  iommuGroup: '40',
  numaNode: 0,
  ...overrides,
});

t.test('PF selectors: a name alone, or a name with VF indices and ranges', async (t) => {
  const parsed = parsePfSelector('ens1f0#0-3,6');
  t.not(typeof parsed, 'string');
  if (typeof parsed === 'string') return;
  t.equal(parsed.pf, 'ens1f0');
  t.same([...(parsed.vfIndices ?? [])], [0, 1, 2, 3, 6]);
  t.same(parsePfSelector('ens2f0'), { pf: 'ens2f0', vfIndices: undefined });
  t.match(parsePfSelector('ens1f0#3-1'), /ends before it starts/);
  t.match(parsePfSelector('ens1f0#'), /not a VF index/);
  t.match(parsePfSelector('ens1f0#a'), /not a VF index/);
  t.match(parsePfSelector('#1'), /not a network interface name/);
  t.match(parsePfSelector('ens1f0#1-5000'), /beyond VF 4095/);
});

t.test('selectors: alternatives within a field, all fields must hold', async (t) => {
  t.ok(matches({}, vf()), 'no selectors match everything');
  t.ok(matches({ vendors: ['15b3', '8086'] }, vf()));
  t.notOk(matches({ vendors: ['15b3'] }, vf()));
  t.notOk(matches({ vendors: ['8086'], drivers: ['iavf'] }, vf()));
  t.ok(matches({ devices: ['154c'], drivers: ['vfio-pci'] }, vf()));
  t.notOk(matches({ drivers: ['vfio-pci'] }, vf({ driver: undefined })), 'an unbound VF has no driver');
  const ranged = parsePfSelector('ens1f0#0-1,3');
  if (typeof ranged === 'string') throw new Error(ranged);
  t.ok(matches({ pfNames: [ranged] }, vf({ index: 3 })));
  t.notOk(matches({ pfNames: [ranged] }, vf({ index: 2 })));
  t.notOk(matches({ pfNames: [ranged] }, vf({ pfName: 'ens2f0', index: 0 })));
});

t.test('a valid config parses, normalising PCI ids', async (t) => {
  const result = parseConfig(`
pools:
  - resourceName: kubehpc.dev/sriov-dpdk
    selectors: {vendors: ["0x8086"], drivers: [vfio-pci], pfNames: ["ens1f0#0-3,6"]}
  - resourceName: kubehpc.dev/sriov-netdev
    selectors: {vendors: ["15B3"]}
`);
  t.ok(result.ok);
  if (!result.ok) return;
  t.same(result.value.pools[0]?.selectors.vendors, ['8086']);
  t.same(result.value.pools[1]?.selectors.vendors, ['15b3']);
  t.equal(result.value.pools[0]?.selectors.pfNames?.[0]?.pf, 'ens1f0');
});

t.test('config problems are all reported, each with the offending entry', async (t) => {
  const result = parseConfig(`
pools:
  - resourceName: sriov-vf
  - resourceName: kubehpc.dev/a
    selectors: {vendor: ["8086"]}
  - resourceName: kubehpc.dev/a
    selectors: {devices: ["15zz"], pfNames: ["ens1f0#2-1"], drivers: []}
  - 42
extra: true
`);
  t.notOk(result.ok);
  if (result.ok) return;
  const byPath = Object.fromEntries(result.problems.map((p) => [p.path, p.message]));
  t.match(byPath['pools[0].resourceName'], /must be <domain>\/<name>/);
  t.match(byPath['pools[1].selectors.vendor'], /unknown selector "vendor"/);
  t.match(byPath['pools[2].resourceName'], /used twice/);
  t.match(byPath['pools[2].selectors.devices[0]'], /not a 4-digit hex PCI id/);
  t.match(byPath['pools[2].selectors.pfNames[0]'], /ends before it starts/);
  t.match(byPath['pools[2].selectors.drivers'], /non-empty list/);
  t.match(byPath['pools[3]'], /must be a mapping/);
  t.match(byPath.extra, /unknown field/);
  t.ok(result.problems.every((p) => p.code === 'KHDP_CONFIG_INVALID'));
});

t.test('malformed documents are unreadable, not a crash', async (t) => {
  const broken = parseConfig('pools: [ {resourceName: ');
  t.notOk(broken.ok);
  if (!broken.ok) t.equal(broken.problems[0]?.code, 'KHDP_CONFIG_UNREADABLE');
  for (const text of ['', 'null', 'pools: []', 'pools: 3', '[1, 2]']) {
    const result = parseConfig(text);
    t.notOk(result.ok, `"${text}" is refused`);
    if (!result.ok) t.equal(result.problems[0]?.path, 'pools');
  }
});

t.test('resource names follow the kubelet rules for extended resources', async (t) => {
  t.equal(resourceNameProblem('kubehpc.dev/sriov-vf'), undefined);
  t.match(resourceNameProblem('kubernetes.io/vf'), /reserved/);
  t.match(resourceNameProblem('kubehpc.dev/-vf'), /letters, digits/);
  t.match(resourceNameProblem('Kubehpc.dev/vf'), /DNS subdomain/);
});

t.test('pools: a VF joins the first pool it matches; an empty pool is a warning', async (t) => {
  const fake = standardSysfs();
  t.teardown(() => fake.remove());
  const config = parseConfig(`
pools:
  - resourceName: kubehpc.dev/intel-first-two
    selectors: {pfNames: ["ens1f0#0-1"]}
  - resourceName: kubehpc.dev/intel
    selectors: {vendors: ["8086"]}
  - resourceName: kubehpc.dev/mellanox
    selectors: {vendors: ["15b3"], drivers: [mlx5_core]}
  - resourceName: kubehpc.dev/nothing
    selectors: {drivers: [igb_uio]}
`);
  if (!config.ok) throw new Error(JSON.stringify(config.problems));
  const { pools, warnings } = assignPools(config.value, discover(fake.root).pfs);
  const ids = Object.fromEntries(pools.map((p) => [p.resourceName, p.devices.map((d) => d.vf.address)]));
  t.same(ids['kubehpc.dev/intel-first-two'], [vfAddress(INTEL_PF, 0), vfAddress(INTEL_PF, 1)]);
  t.same(ids['kubehpc.dev/intel'], [
    vfAddress(INTEL_PF, 2),
    vfAddress(INTEL_PF, 3),
    vfAddress(DOWN_PF, 0),
    vfAddress(DOWN_PF, 1),
  ]);
  t.equal(ids['kubehpc.dev/mellanox']?.length, MELLANOX_PF.numVfs);
  t.same(ids['kubehpc.dev/nothing'], []);
  t.same(
    warnings.map((w) => [w.code, w.path]),
    [['KHDP_POOL_EMPTY', 'pools[3].selectors']],
  );
  const health = pools[1]?.devices.map((d) => d.health);
  t.same(
    health,
    ['Healthy', 'Healthy', 'Unhealthy', 'Unhealthy'],
    'VFs of a PF with its link down are unhealthy',
  );
});

t.test('the config shipped in the DaemonSet ConfigMap is valid', async (t) => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(
    new URL('../../../manifests/device-plugins/config.yaml', import.meta.url),
    'utf8',
  );
  const result = parseConfig(text);
  t.ok(result.ok, result.ok ? 'valid' : JSON.stringify(result.problems));
});
