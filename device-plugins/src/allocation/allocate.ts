// Allocate's answer, pure: for each container, the PCI addresses of its VFs in
// PCIDEVICE_<RESOURCE> (the convention SR-IOV CNI and DPDK apps read) and, for VFs bound to
// vfio-pci, the VFIO container device and one device node per IOMMU group.

import { ERROR_CODES, type Problem, problem, type Result } from '../errors.ts';
import type { Pool } from '../selection/pools.ts';

export interface DeviceSpec {
  container_path: string;
  host_path: string;
  permissions: string;
}

export interface ContainerAllocation {
  envs: Record<string, string>;
  devices: DeviceSpec[];
}

export const VFIO_DRIVER = 'vfio-pci';
const VFIO_CONTAINER = '/dev/vfio/vfio';

/** `kubehpc.dev/sriov-vf` → `PCIDEVICE_KUBEHPC_DEV_SRIOV_VF`. */
export function pciEnvName(resourceName: string): string {
  return `PCIDEVICE_${resourceName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function rw(path: string): DeviceSpec {
  return { container_path: path, host_path: path, permissions: 'rw' };
}

export function allocate(pool: Pool, containers: string[][]): Result<ContainerAllocation[]> {
  const byId = new Map(pool.devices.map((d) => [d.vf.address, d]));
  const problems: Problem[] = [];
  const responses = containers.map((ids, c) => {
    const unknown = ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      problems.push(
        problem(
          ERROR_CODES.UNKNOWN_DEVICE,
          `${pool.resourceName} has no device(s) ${unknown.join(', ')}`,
          `container_requests[${c}]`,
        ),
      );
    }
    if (new Set(ids).size !== ids.length) {
      problems.push(
        problem(ERROR_CODES.BAD_REQUEST, 'a device is requested twice', `container_requests[${c}]`),
      );
    }
    const devices: DeviceSpec[] = [];
    const groups = new Set<string>();
    for (const id of ids) {
      const vf = byId.get(id)?.vf;
      if (vf?.driver !== VFIO_DRIVER) continue;
      if (vf.iommuGroup === undefined) {
        problems.push(
          problem(
            ERROR_CODES.BAD_REQUEST,
            `${id} is bound to vfio-pci but has no IOMMU group`,
            `container_requests[${c}]`,
          ),
        );
      } else if (!groups.has(vf.iommuGroup)) {
        groups.add(vf.iommuGroup);
        devices.push(rw(`/dev/vfio/${vf.iommuGroup}`));
      }
    }
    if (devices.length > 0) devices.unshift(rw(VFIO_CONTAINER));
    return { envs: ids.length > 0 ? { [pciEnvName(pool.resourceName)]: ids.join(',') } : {}, devices };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: responses };
}
