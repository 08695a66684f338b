// `__complete` (hidden): cobra's completion protocol, for kubectl_complete-hpc and the scripts.

import { loadKubeconfig } from '../../../common/kube/kubeconfig.ts';
import { NAMESPACES, PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import { PROJECT_LABEL } from '../../../common/names.ts';
import { argumentKind, optionValues, slotOf } from '../complete.ts';
import type { Manifest } from '../manifest.ts';
import { parseCommand } from '../manifest.ts';
import { connect } from '../session.ts';

async function clusterNames(
  kind: 'service' | 'project' | 'namespace',
  flags: Record<string, unknown>,
): Promise<string[]> {
  try {
    const session = await connect({ ...flags, 'request-timeout': '3s' });
    try {
      if (kind === 'service')
        return (await session.api.list(PROJECT_SERVICES, session.namespace)).items.map(
          (o) => o.metadata.name,
        );
      const selector = kind === 'project' ? PROJECT_LABEL : undefined;
      return (await session.api.list(NAMESPACES, undefined, { labelSelector: selector })).items.map(
        (o) => o.metadata.name,
      );
    } finally {
      session.close();
    }
  } catch {
    return [];
  }
}

export async function complete(manifest: Manifest, args: string[]): Promise<string[]> {
  const partial = args.at(-1) ?? '';
  const words = args.slice(0, -1);
  const slot = slotOf(manifest, words, partial);
  if (slot.kind === 'verb' || slot.kind === 'flag') return slot.candidates;
  let flags: Record<string, unknown> = {};
  try {
    // The connection flags typed so far (-n, --context, --kubeconfig) pick the cluster to ask.
    const typed = words.slice(slot.command.id.split(':').length);
    flags = parseCommand(
      { ...slot.command, strict: false, args: {} },
      slot.kind === 'flag-value' ? typed.slice(0, -1) : typed,
    ).flags;
  } catch {}
  let candidates: string[] = [];
  if (slot.kind === 'flag-value') {
    const fixed = optionValues(slot.command, slot.flag);
    if (fixed) candidates = fixed;
    else if (slot.flag === 'namespace') candidates = await clusterNames('namespace', flags);
    else if (slot.flag === 'context' || slot.flag === 'cluster' || slot.flag === 'user') {
      const config = loadKubeconfig(typeof flags.kubeconfig === 'string' ? flags.kubeconfig : undefined);
      candidates = [
        ...(slot.flag === 'context'
          ? config.contexts
          : slot.flag === 'cluster'
            ? config.clusters
            : config.users
        ).keys(),
      ];
    }
  } else {
    const kind = argumentKind(slot.command, slot.index);
    if (kind !== 'none') candidates = await clusterNames(kind, flags);
  }
  return candidates.filter((c) => c.startsWith(partial)).sort();
}
