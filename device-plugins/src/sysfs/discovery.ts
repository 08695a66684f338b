// Discovery of SR-IOV physical and virtual functions from sysfs under a configurable root
// (`/sys` on a host, a temporary tree in tests). Reads only; never changes sysfs. Entries it
// cannot read are reported as problems and the affected device is skipped or degraded.

import { join } from 'node:path';
import { ERROR_CODES, type Problem, problem } from '../errors.ts';
import type { LinkState, PhysicalFunction, VirtualFunction } from './model.ts';
import { SysfsReader } from './read.ts';

export interface Discovery {
  pfs: PhysicalFunction[];
  problems: Problem[];
}

const DOWN_STATES = new Set(['down', 'lowerlayerdown', 'notpresent']);

/** Maps a netdev `operstate` to what health needs: only a known-down link makes VFs unhealthy. */
export function linkStateOf(operstate: string | undefined): LinkState {
  if (operstate === 'up') return 'up';
  if (operstate !== undefined && DOWN_STATES.has(operstate)) return 'down';
  return 'unknown';
}

function pciDevicesDir(root: string): string {
  return join(root, 'bus', 'pci', 'devices');
}

function readVf(
  read: SysfsReader,
  root: string,
  address: string,
  index: number,
  pf: { address: string; netdev: string | undefined; numaNode: number },
): VirtualFunction | undefined {
  const dir = join(pciDevicesDir(root), address);
  const vendor = read.pciId(join(dir, 'vendor'));
  const device = read.pciId(join(dir, 'device'));
  if (vendor === undefined || device === undefined) return undefined;
  const physfn = read.linkName(join(dir, 'physfn'));
  if (physfn !== pf.address) {
    // virtfn and physfn disagree: the tree is mid-change or broken; trust neither.
    read.problems.push(
      problem(
        ERROR_CODES.SYSFS_UNREADABLE,
        `physfn is ${physfn ?? 'missing'}, expected ${pf.address}`,
        join(dir, 'physfn'),
      ),
    );
    return undefined;
  }
  return {
    address,
    index,
    pfAddress: pf.address,
    pfName: pf.netdev,
    vendor,
    device,
    driver: read.linkName(join(dir, 'driver')),
    iommuGroup: read.linkName(join(dir, 'iommu_group')),
    numaNode: read.integer(join(dir, 'numa_node'), true) ?? pf.numaNode,
  };
}

function readPf(read: SysfsReader, root: string, address: string): PhysicalFunction | undefined {
  const dir = join(pciDevicesDir(root), address);
  const totalVfs = read.integer(join(dir, 'sriov_totalvfs'));
  const vendor = read.pciId(join(dir, 'vendor'));
  const device = read.pciId(join(dir, 'device'));
  if (totalVfs === undefined || vendor === undefined || device === undefined) return undefined;
  const numVfs = read.integer(join(dir, 'sriov_numvfs')) ?? 0;
  const numaNode = read.integer(join(dir, 'numa_node'), true) ?? -1;
  const netdev = read.entries(join(dir, 'net'), true).sort()[0];
  const link =
    netdev === undefined ? 'unknown' : linkStateOf(read.text(join(dir, 'net', netdev, 'operstate')));
  const vfs: VirtualFunction[] = [];
  for (const entry of read.entries(dir)) {
    const match = /^virtfn(\d+)$/.exec(entry);
    if (!match?.[1]) continue;
    const vfAddress = read.linkName(join(dir, entry));
    if (vfAddress === undefined) continue;
    const vf = readVf(read, root, vfAddress, Number(match[1]), { address, netdev, numaNode });
    if (vf) vfs.push(vf);
  }
  vfs.sort((a, b) => a.index - b.index);
  return {
    address,
    netdev,
    link,
    vendor,
    device,
    driver: read.linkName(join(dir, 'driver')),
    numaNode,
    totalVfs,
    numVfs,
    vfs,
  };
}

/** Every SR-IOV capable PF (a PCI device with `sriov_totalvfs`) and its current VFs. */
export function discover(root: string): Discovery {
  const read = new SysfsReader();
  const pfs: PhysicalFunction[] = [];
  const devicesDir = pciDevicesDir(root);
  for (const address of read.entries(devicesDir).sort()) {
    if (read.text(join(devicesDir, address, 'sriov_totalvfs'), true) === undefined) continue;
    const pf = readPf(read, root, address);
    if (pf) pfs.push(pf);
  }
  return { pfs, problems: read.problems };
}
