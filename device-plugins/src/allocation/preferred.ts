// GetPreferredAllocation's choice, pure: given the devices the kubelet may pick from, the
// ones it must keep, and how many it needs, prefer one NUMA node (where the must-include
// devices already are, else the node that fits the request most tightly), and within it pack
// onto as few PFs as possible, leaving whole PFs free for later large requests.

import { ERROR_CODES, problem, type Result } from '../errors.ts';
import type { Pool, PoolDevice } from '../selection/pools.ts';

export interface PreferredRequest {
  available: string[];
  mustInclude: string[];
  size: number;
}

function groupBy<K>(devices: PoolDevice[], key: (d: PoolDevice) => K): Map<K, PoolDevice[]> {
  const groups = new Map<K, PoolDevice[]>();
  for (const d of devices) {
    const group = groups.get(key(d));
    if (group) group.push(d);
    else groups.set(key(d), [d]);
  }
  return groups;
}

/**
 * `need` devices from `candidates` on the fewest PFs: PFs in `preferredPfs` first, then the
 * tightest single PF that holds the rest, else the fullest PF and repeat.
 */
function packOnPfs(candidates: PoolDevice[], need: number, preferredPfs: ReadonlySet<string>): PoolDevice[] {
  const byPf = groupBy(candidates, (d) => d.vf.pfAddress);
  const picked: PoolDevice[] = [];
  while (picked.length < need && byPf.size > 0) {
    const rest = need - picked.length;
    const pfs = [...byPf.entries()].sort(([a], [b]) => a.localeCompare(b));
    const preferred = pfs.find(([pf]) => preferredPfs.has(pf));
    const fitting = pfs.filter(([, ds]) => ds.length >= rest).sort(([, a], [, b]) => a.length - b.length)[0];
    const fullest = [...pfs].sort(([, a], [, b]) => b.length - a.length)[0];
    const [pf, devices] = (preferred ?? fitting ?? fullest) as [string, PoolDevice[]];
    picked.push(...devices.slice(0, rest));
    byPf.delete(pf);
  }
  return picked;
}

/** The device IDs to prefer for one container, or why the request cannot be answered. */
export function preferredAllocation(pool: Pool, request: PreferredRequest): Result<string[]> {
  const byId = new Map(pool.devices.map((d) => [d.vf.address, d]));
  const unknown = [...request.available, ...request.mustInclude].filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    return {
      ok: false,
      problems: [
        problem(
          ERROR_CODES.UNKNOWN_DEVICE,
          `${pool.resourceName} has no device(s) ${[...new Set(unknown)].join(', ')}`,
        ),
      ],
    };
  }
  const must = [...new Set(request.mustInclude)].map((id) => byId.get(id) as PoolDevice);
  const candidates = [...new Set(request.available)]
    .filter((id) => !request.mustInclude.includes(id))
    .map((id) => byId.get(id) as PoolDevice)
    .sort((a, b) => a.vf.pfAddress.localeCompare(b.vf.pfAddress) || a.vf.index - b.vf.index);
  if (!Number.isInteger(request.size) || request.size < must.length) {
    return {
      ok: false,
      problems: [
        problem(
          ERROR_CODES.BAD_REQUEST,
          `allocation size ${request.size} is smaller than the ${must.length} must-include device(s)`,
        ),
      ],
    };
  }
  const need = request.size - must.length;
  if (candidates.length < need) {
    return {
      ok: false,
      problems: [
        problem(
          ERROR_CODES.BAD_REQUEST,
          `allocation size ${request.size} exceeds the ${must.length + candidates.length} device(s) offered`,
        ),
      ],
    };
  }
  const mustNuma = new Set(must.map((d) => d.vf.numaNode));
  const mustPfs = new Set(must.map((d) => d.vf.pfAddress));
  const byNuma = [...groupBy(candidates, (d) => d.vf.numaNode).entries()];
  const mustFirst = (numa: number) => (mustNuma.has(numa) ? 0 : 1);
  // The tightest node that holds the request alone, the must-include devices' node first.
  const single = byNuma
    .filter(([, ds]) => ds.length >= need)
    .sort(([na, a], [nb, b]) => mustFirst(na) - mustFirst(nb) || a.length - b.length || na - nb)[0];
  let picked: PoolDevice[];
  if (single) {
    picked = packOnPfs(single[1], need, mustPfs);
  } else {
    // No node holds the request alone: spread over as few nodes as possible, largest first.
    picked = [];
    const order = [...byNuma].sort(
      ([na, a], [nb, b]) => mustFirst(na) - mustFirst(nb) || b.length - a.length || na - nb,
    );
    for (const [, devices] of order) {
      if (picked.length === need) break;
      picked.push(...packOnPfs(devices, Math.min(devices.length, need - picked.length), mustPfs));
    }
  }
  return { ok: true, value: [...must, ...picked].map((d) => d.vf.address) };
}
