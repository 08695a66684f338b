// A fake sysfs tree in a temporary folder, laid out as Linux lays out SR-IOV devices: PFs
// with sriov_totalvfs/sriov_numvfs/virtfnN links and net/<if>/operstate, VFs with physfn,
// driver and iommu_group links and numa_node, and NUMA nodes under devices/system/node.
// Tests, e2e tests and benchmarks drive the plugin through it and change it under its feet.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeVf {
  driver?: string;
  iommuGroup?: number;
}

export interface FakePf {
  address: string;
  /** PF netdev; omit for a PF without one. */
  netdev?: string;
  operstate?: string;
  vendor: string;
  device: string;
  vfDevice: string;
  driver: string;
  numaNode: number;
  totalVfs: number;
  numVfs: number;
  /** PCI bus of the VFs (two hex digits) and first device number on it. */
  vfBus: string;
  vfSlot: number;
  vfDriver: string;
  /** IOMMU group of VF 0; VF i gets firstIommuGroup + i. Omit for no IOMMU. */
  firstIommuGroup?: number;
}

export interface FakeNumaNode {
  id: number;
  cpulist: string;
  memoryKiB: number;
  distance: string;
}

export function vfAddress(pf: FakePf, index: number): string {
  const slot = pf.vfSlot + Math.floor(index / 8);
  return `0000:${pf.vfBus}:${slot.toString(16).padStart(2, '0')}.${index % 8}`;
}

export class FakeSysfs {
  readonly root: string;
  private readonly pfs = new Map<string, FakePf>();

  constructor(root: string = mkdtempSync(join(tmpdir(), 'kubehpc-sysfs-'))) {
    this.root = root;
    mkdirSync(this.devicesDir, { recursive: true });
  }

  get devicesDir(): string {
    return join(this.root, 'bus', 'pci', 'devices');
  }

  devicePath(address: string, ...rest: string[]): string {
    return join(this.devicesDir, address, ...rest);
  }

  private link(path: string, target: string): void {
    rmSync(path, { force: true });
    symlinkSync(target, path);
  }

  private driverLink(address: string, driver: string): void {
    mkdirSync(join(this.root, 'bus', 'pci', 'drivers', driver), { recursive: true });
    this.link(this.devicePath(address, 'driver'), `../../../../bus/pci/drivers/${driver}`);
  }

  addPf(pf: FakePf): this {
    this.pfs.set(pf.address, pf);
    const dir = this.devicePath(pf.address);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vendor'), `0x${pf.vendor}\n`);
    writeFileSync(join(dir, 'device'), `0x${pf.device}\n`);
    writeFileSync(join(dir, 'numa_node'), `${pf.numaNode}\n`);
    writeFileSync(join(dir, 'sriov_totalvfs'), `${pf.totalVfs}\n`);
    this.driverLink(pf.address, pf.driver);
    if (pf.netdev !== undefined) {
      mkdirSync(join(dir, 'net', pf.netdev), { recursive: true });
      writeFileSync(join(dir, 'net', pf.netdev, 'operstate'), `${pf.operstate ?? 'up'}\n`);
    }
    this.setNumVfs(pf.address, pf.numVfs);
    return this;
  }

  private addVf(pf: FakePf, index: number): void {
    const address = vfAddress(pf, index);
    const dir = this.devicePath(address);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vendor'), `0x${pf.vendor}\n`);
    writeFileSync(join(dir, 'device'), `0x${pf.vfDevice}\n`);
    writeFileSync(join(dir, 'numa_node'), `${pf.numaNode}\n`);
    this.link(join(dir, 'physfn'), `../${pf.address}`);
    this.driverLink(address, pf.vfDriver);
    if (pf.firstIommuGroup !== undefined) {
      const group = String(pf.firstIommuGroup + index);
      mkdirSync(join(this.root, 'kernel', 'iommu_groups', group), { recursive: true });
      this.link(join(dir, 'iommu_group'), `../../../../kernel/iommu_groups/${group}`);
    }
    this.link(this.devicePath(pf.address, `virtfn${index}`), `../${address}`);
  }

  private removeVf(pf: FakePf, index: number): void {
    rmSync(this.devicePath(pf.address, `virtfn${index}`), { force: true });
    rmSync(this.devicePath(vfAddress(pf, index)), { recursive: true, force: true });
  }

  /** What writing sriov_numvfs does: VFs appear or disappear with their virtfn links. */
  setNumVfs(pfAddress: string, count: number): this {
    const pf = this.pfs.get(pfAddress);
    if (!pf) throw new Error(`no fake PF ${pfAddress}`);
    for (let i = 0; i < Math.max(count, pf.numVfs); i++) {
      if (i < count) this.addVf(pf, i);
      else this.removeVf(pf, i);
    }
    pf.numVfs = count;
    writeFileSync(this.devicePath(pfAddress, 'sriov_numvfs'), `${count}\n`);
    return this;
  }

  setOperstate(pfAddress: string, state: string): this {
    const pf = this.pfs.get(pfAddress);
    if (!pf?.netdev) throw new Error(`no fake PF netdev for ${pfAddress}`);
    writeFileSync(this.devicePath(pfAddress, 'net', pf.netdev, 'operstate'), `${state}\n`);
    pf.operstate = state;
    return this;
  }

  addNumaNode(node: FakeNumaNode): this {
    const dir = join(this.root, 'devices', 'system', 'node', `node${node.id}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpulist'), `${node.cpulist}\n`);
    writeFileSync(
      join(dir, 'meminfo'),
      `Node ${node.id} MemTotal:       ${node.memoryKiB} kB\nNode ${node.id} MemFree:        1024 kB\n`,
    );
    writeFileSync(join(dir, 'distance'), `${node.distance}\n`);
    return this;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Intel-like PF, VFs bound to vfio-pci, NUMA 0. */
export const INTEL_PF: FakePf = {
  address: '0000:3b:00.0',
  netdev: 'ens1f0',
  vendor: '8086',
  device: '158b',
  vfDevice: '154c',
  driver: 'i40e',
  numaNode: 0,
  totalVfs: 64,
  numVfs: 4,
  vfBus: '3b',
  vfSlot: 2,
  vfDriver: 'vfio-pci',
  firstIommuGroup: 40,
};

/** Mellanox-like PF, VFs with netdevs (mlx5_core), NUMA 1. */
export const MELLANOX_PF: FakePf = {
  address: '0000:af:00.0',
  netdev: 'ens2f0',
  vendor: '15b3',
  device: '1017',
  vfDevice: '1018',
  driver: 'mlx5_core',
  numaNode: 1,
  totalVfs: 16,
  numVfs: 4,
  vfBus: 'af',
  vfSlot: 1,
  vfDriver: 'mlx5_core',
  firstIommuGroup: 80,
};

/** Intel-like PF whose link is down, VFs with the iavf netdev driver, NUMA 0. */
export const DOWN_PF: FakePf = {
  address: '0000:3b:00.1',
  netdev: 'ens1f1',
  operstate: 'down',
  vendor: '8086',
  device: '158b',
  vfDevice: '154c',
  driver: 'i40e',
  numaNode: 0,
  totalVfs: 64,
  numVfs: 2,
  vfBus: '3b',
  vfSlot: 10,
  vfDriver: 'iavf',
  firstIommuGroup: 60,
};

/** Two NUMA nodes of 4 CPUs and 8 GiB each. */
export const NUMA_NODES: FakeNumaNode[] = [
  { id: 0, cpulist: '0-3', memoryKiB: 8 * 1024 * 1024, distance: '10 21' },
  { id: 1, cpulist: '4-7', memoryKiB: 8 * 1024 * 1024, distance: '21 10' },
];

/** The three PFs and two NUMA nodes most tests start from. */
export function standardSysfs(root?: string): FakeSysfs {
  const fake = new FakeSysfs(root);
  for (const pf of [INTEL_PF, MELLANOX_PF, DOWN_PF]) fake.addPf({ ...pf });
  for (const node of NUMA_NODES) fake.addNumaNode(node);
  return fake;
}

/** `pfs` Intel-like PFs of `vfsPerPf` vfio-pci VFs each, alternating NUMA nodes. */
export function largeSysfs(pfs: number, vfsPerPf: number, root?: string): FakeSysfs {
  const fake = new FakeSysfs(root);
  for (let i = 0; i < pfs; i++) {
    const bus = (0x20 + i).toString(16);
    fake.addPf({
      ...INTEL_PF,
      address: `0000:${bus}:00.0`,
      netdev: `ens${i + 1}f0`,
      numaNode: i % 2,
      totalVfs: Math.max(64, vfsPerPf),
      numVfs: vfsPerPf,
      vfBus: bus,
      vfSlot: 1,
      firstIommuGroup: 100 + i * vfsPerPf,
    });
  }
  for (const node of NUMA_NODES) fake.addNumaNode(node);
  return fake;
}
