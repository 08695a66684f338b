// The host's NUMA nodes from `<root>/devices/system/node`: CPUs (cpulist), memory (meminfo
// MemTotal) and distances. A host without that folder yields no nodes; the topology
// publisher then has nothing to publish and says so.

import { join } from 'node:path';
import { ERROR_CODES, type Problem, problem } from '../errors.ts';
import type { NumaNode } from './model.ts';
import { SysfsReader } from './read.ts';

/** Parses a kernel cpulist ("0-3,8,10-11") into CPU ids; undefined when malformed. */
export function parseCpuList(text: string): number[] | undefined {
  if (text.trim() === '') return [];
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match?.[1]) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) return undefined;
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** MemTotal from a per-node meminfo ("Node 0 MemTotal:  65536 kB"), in bytes. */
export function parseMemTotal(meminfo: string): number | undefined {
  const match = /MemTotal:\s+(\d+)\s*kB/.exec(meminfo);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

export function discoverNuma(root: string): { nodes: NumaNode[]; problems: Problem[] } {
  const read = new SysfsReader();
  const dir = join(root, 'devices', 'system', 'node');
  const nodes: NumaNode[] = [];
  for (const entry of read.entries(dir, true)) {
    const match = /^node(\d+)$/.exec(entry);
    if (!match?.[1]) continue;
    const cpuText = read.text(join(dir, entry, 'cpulist'));
    const cpus = cpuText === undefined ? undefined : parseCpuList(cpuText);
    const meminfo = read.text(join(dir, entry, 'meminfo'));
    const memoryBytes = meminfo === undefined ? undefined : parseMemTotal(meminfo);
    if (cpus === undefined || memoryBytes === undefined) {
      if (cpuText !== undefined && meminfo !== undefined) {
        read.problems.push(
          problem(ERROR_CODES.SYSFS_UNREADABLE, 'malformed cpulist or meminfo', join(dir, entry)),
        );
      }
      continue;
    }
    const distances = (read.text(join(dir, entry, 'distance'), true) ?? '')
      .split(/\s+/)
      .filter((d) => d !== '')
      .map(Number);
    nodes.push({ id: Number(match[1]), cpus, memoryBytes, distances });
  }
  nodes.sort((a, b) => a.id - b.id);
  return { nodes, problems: read.problems };
}
