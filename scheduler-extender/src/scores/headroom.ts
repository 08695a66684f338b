// Disk and VF headroom: the share of the node's capacity still free after placing the pod,
// so requests spread and no node is drained to its last byte or VF.

import { clampScore, MAX_SCORE, type Score } from './score.ts';

function headroom(need: number, total: number, free: number): number {
  return total > 0 ? clampScore((MAX_SCORE * (free - need)) / total) : 0;
}

export const diskHeadroom: Score = {
  name: 'disk-headroom',
  score(d, n) {
    if (d.localDisk <= 0) return undefined;
    if (n.disk.state !== 'ok') return 0;
    return headroom(d.localDisk, n.disk.value.total, n.disk.value.free);
  },
};

export const vfHeadroom: Score = {
  name: 'vf-headroom',
  score(d, n) {
    if (d.vfs <= 0) return undefined;
    return headroom(d.vfs, n.vfs.total, n.vfs.free);
  },
};
