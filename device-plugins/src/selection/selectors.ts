// Selectors: which VFs a pool takes. Within one field the values are alternatives; across
// fields all must hold (vendor AND device AND driver AND PF). Pure.

import type { VirtualFunction } from '../sysfs/model.ts';

export interface PfSelector {
  /** PF netdev name. */
  pf: string;
  /** VF indices on that PF; undefined means every VF of the PF. */
  vfIndices: ReadonlySet<number> | undefined;
}

export interface Selectors {
  vendors?: string[];
  devices?: string[];
  drivers?: string[];
  pfNames?: PfSelector[];
}

const RANGE = /^(\d+)(?:-(\d+))?$/;

/**
 * Parses a PF selector, `ens1f0` or `ens1f0#0-3,6`; returns the reason when it is not one.
 */
export function parsePfSelector(text: string): PfSelector | string {
  const hash = text.indexOf('#');
  const pf = hash === -1 ? text : text.slice(0, hash);
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(pf)) {
    return `"${pf}" is not a network interface name (1-15 letters, digits, _ . : -)`;
  }
  if (hash === -1) return { pf, vfIndices: undefined };
  const list = text.slice(hash + 1);
  const indices = new Set<number>();
  for (const part of list.split(',')) {
    const match = RANGE.exec(part);
    if (!match?.[1]) return `"${part}" in "${text}" is not a VF index or range such as 0-3`;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) return `range "${part}" in "${text}" ends before it starts`;
    if (to > 4095) return `range "${part}" in "${text}" goes beyond VF 4095`;
    for (let i = from; i <= to; i++) indices.add(i);
  }
  return { pf, vfIndices: indices };
}

function oneOf(values: string[] | undefined, value: string | undefined): boolean {
  return values === undefined || (value !== undefined && values.includes(value));
}

export function matches(selectors: Selectors, vf: VirtualFunction): boolean {
  if (!oneOf(selectors.vendors, vf.vendor)) return false;
  if (!oneOf(selectors.devices, vf.device)) return false;
  if (!oneOf(selectors.drivers, vf.driver)) return false;
  if (selectors.pfNames !== undefined) {
    return selectors.pfNames.some(
      (s) => s.pf === vf.pfName && (s.vfIndices === undefined || s.vfIndices.has(vf.index)),
    );
  }
  return true;
}
