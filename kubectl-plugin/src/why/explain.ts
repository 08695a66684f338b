// `why`: turns the scheduler's FailedScheduling message ("0/8 nodes are available: 4 node(s)
// …, 1 node(s) …. preemption: …") into one line per node group in plain words, each with what
// would fix it. Pure; the extender's reasons arrive inside the same message.

export interface Explanation {
  total?: number;
  groups: { nodes: number; reason: string; fix: string }[];
}

const FIXES: [RegExp, string][] = [
  [
    /numa|zone/i,
    'ask for fewer VFs or less CPU/memory per replica, or drop --numa single so a replica may span zones',
  ],
  [/vf|sriov|sr-iov/i, 'ask for fewer VFs per replica (--vf), or add nodes with free SR-IOV VFs'],
  [/local.?disk|disk/i, 'ask for less local disk (--local-disk), or free disk on the nodes'],
  [/core service/i, 'too many core services share these nodes: drop --core, or add nodes'],
  [/insufficient cpu/i, 'ask for less CPU per replica (--cpu), or add capacity'],
  [/insufficient memory/i, 'ask for less memory per replica (--memory), or add capacity'],
  [/taint/i, 'these nodes are tainted for other workloads; nothing in the service can change that'],
  [/affinity|selector/i, "the nodes do not match the pod's node selector or affinity"],
  [/too many pods/i, 'the nodes are full of pods; add nodes'],
];

export function fixFor(reason: string): string {
  return FIXES.find(([re]) => re.test(reason))?.[1] ?? 'see the reason; kubectl hpc status NAME shows events';
}

export function explain(message: string): Explanation {
  const head = message.match(/^(\d+)\/(\d+) nodes are available:?\s*(.*)$/s);
  if (!head) return { groups: [{ nodes: 0, reason: message.trim(), fix: fixFor(message) }] };
  // The scheduler appends notes that are not node groups: preemption, and (with DRA) claims.
  const body = ((head[3] as string).split(/\s*preemption:/)[0] as string).replace(
    /\s*no new claims to deallocate,?/g,
    '',
  );
  const groups: Explanation['groups'] = [];
  for (const part of body.split(/,\s*(?=\d+\s)/)) {
    const m = part
      .trim()
      .replace(/\.$/, '')
      .match(/^(\d+)\s+(?:node\(s\)\s+)?(.*)$/s);
    if (m) groups.push({ nodes: Number(m[1]), reason: (m[2] as string).trim(), fix: fixFor(m[2] as string) });
  }
  return { total: Number(head[2]), groups };
}
