// What discovery finds: SR-IOV physical functions, their virtual functions, and the host's
// NUMA nodes. Plain data, shared by selection, allocation and topology; depends on nothing.

export interface VirtualFunction {
  /** PCI address, e.g. 0000:3b:02.0; also the device ID the kubelet sees. */
  address: string;
  /** Index of the VF on its PF (the N of the PF's virtfnN link). */
  index: number;
  /** PCI address of the parent PF. */
  pfAddress: string;
  /** Netdev name of the parent PF, when it has one. */
  pfName: string | undefined;
  /** Vendor and device ids as 4 lower-case hex digits, without 0x. */
  vendor: string;
  device: string;
  /** Bound kernel driver, undefined when unbound. */
  driver: string | undefined;
  /** IOMMU group number, undefined when the IOMMU is off. */
  iommuGroup: string | undefined;
  /** NUMA node, -1 when the platform does not say (as sysfs reports it). */
  numaNode: number;
}

export type LinkState = 'up' | 'down' | 'unknown';

export interface PhysicalFunction {
  address: string;
  /** First netdev of the PF, undefined when it has none (e.g. bound to a userspace driver). */
  netdev: string | undefined;
  link: LinkState;
  vendor: string;
  device: string;
  driver: string | undefined;
  numaNode: number;
  totalVfs: number;
  numVfs: number;
  vfs: VirtualFunction[];
}

export interface NumaNode {
  id: number;
  cpus: number[];
  memoryBytes: number;
  /** Distances to every NUMA node, indexed like the ids in order (sysfs `distance`). */
  distances: number[];
}
