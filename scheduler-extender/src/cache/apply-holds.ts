// Taking in-flight reservations off a node view: what all pods hold on the node, minus the
// asking pod's own hold (a pod never competes with itself). Pure; returns the given view
// when nothing is held, else a new one.

import type { Amount, NodeView, ZoneView } from '../../../common/nodes/node-view.ts';
import type { HeldTotals, Hold } from './reservations.ts';

const less = (a: Amount, by: number): Amount =>
  by === 0 ? a : { total: a.total, free: a.free - by, held: a.held + by };

export function applyHolds(
  view: NodeView,
  held: Readonly<HeldTotals> | undefined,
  own: Hold | undefined,
): NodeView {
  if (held === undefined) return view;
  const disk = held.disk - (own?.disk ?? 0);
  const vfs = held.vfs - (own?.vfs ?? 0);
  if (disk === 0 && vfs === 0 && onlyOwnZones(held, own)) return view; // the asking pod's own hold
  let zones = view.zones;
  if (zones.state === 'ok' && held.zones.size > 0) {
    const value: ZoneView[] = zones.value.map((z) => {
      const h = held.zones.get(z.name);
      if (h === undefined) return z;
      const mine = own?.zone?.name === z.name ? own.zone : undefined;
      return {
        name: z.name,
        cpu: less(z.cpu, h.cpu - (mine?.cpu ?? 0)),
        memory: less(z.memory, h.memory - (mine?.memory ?? 0)),
        vfs: less(z.vfs, h.vfs - (mine?.vfs ?? 0)),
      };
    });
    zones = { state: 'ok', value };
  }
  return {
    ...view,
    vfs: less(view.vfs, vfs),
    disk: view.disk.state === 'ok' ? { state: 'ok', value: less(view.disk.value, disk) } : view.disk,
    zones,
  };
}

function onlyOwnZones(held: Readonly<HeldTotals>, own: Hold | undefined): boolean {
  for (const [name, h] of held.zones) {
    const mine = own?.zone?.name === name ? own.zone : undefined;
    if (h.cpu !== (mine?.cpu ?? 0) || h.memory !== (mine?.memory ?? 0) || h.vfs !== (mine?.vfs ?? 0))
      return false;
  }
  return true;
}
