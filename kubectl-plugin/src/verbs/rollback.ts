// `rollback NAME [--to-revision N]`: re-applies a recorded spec (a ControllerRevision the
// controller wrote; the previous one by default) under our field manager; replicas untouched.
// Also `history NAME --revisions` lists them (revisionRows).

import { CONTROLLER_REVISIONS, PROJECT_SERVICES, type Typed } from '../../../common/kube/resources.ts';
import { SERVICE_LABEL } from '../../../common/names.ts';
import { layoutColumns } from '../../../common/print/table.ts';
import { applyBody, type Current, ownedSpec, type Spec } from '../deploy/spec.ts';
import { waitReady } from '../deploy/wait.ts';
import type { VerbInput } from '../dispatch.ts';
import { EXIT, ExitError } from '../errors.ts';
import { connect } from '../session.ts';
import { checkName, parseCount, parseDuration } from '../values.ts';

export interface Revision {
  metadata: { name: string; creationTimestamp?: string; ownerReferences?: { uid: string }[] };
  revision: number;
  data?: { spec?: Spec };
}

/** The service's revisions, oldest first. */
export async function revisions(api: Typed, namespace: string, name: string): Promise<Revision[]> {
  const ps = await api.get(PROJECT_SERVICES, namespace, name);
  const list = await api.list<Revision>(CONTROLLER_REVISIONS, namespace, {
    labelSelector: `${SERVICE_LABEL}=${name}`,
  });
  return list.items
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === ps.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
}

/** Which revision to roll back to: N, or the one before the newest. Pure. */
export function rollbackTarget(all: readonly Revision[], to: number | undefined): Revision {
  if (to !== undefined) {
    const found = all.find((r) => r.revision === to);
    if (!found)
      throw new ExitError(
        `no revision ${to}; there are: ${all.map((r) => r.revision).join(', ') || 'none'}`,
        EXIT.error,
      );
    return found;
  }
  const previous = all.at(-2);
  if (!previous) throw new ExitError('no earlier revision to roll back to', EXIT.error);
  return previous;
}

/**
 * What rollback applies: the revision's spec, but never its replica count — the scale stays
 * what it is now. When our field manager owns spec.replicas (a deploy --replicas), the
 * current count goes in the body, since leaving a field out of an apply would drop it. Pure.
 */
export function rollbackSpec(target: Revision, current: Current, manager: string): Spec {
  const { replicas: _replicas, ...spec } = target.data?.spec ?? {};
  const replicas = current.spec?.replicas;
  if (ownedSpec(current, manager).replicas !== undefined && typeof replicas === 'number')
    return { ...spec, replicas };
  return spec;
}

export function revisionRows(all: readonly Revision[]): string {
  return layoutColumns([
    ['REVISION', 'NAME', 'IMAGE', 'CREATED'],
    ...all.map((r) => [
      String(r.revision),
      r.metadata.name,
      String(r.data?.spec?.image ?? ''),
      r.metadata.creationTimestamp ?? '',
    ]),
  ]);
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const name = checkName(args.name ?? '', 'service name');
  const to =
    typeof flags['to-revision'] === 'string' ? parseCount(flags['to-revision'], 'to-revision', 1) : undefined;
  const timeoutMs = parseDuration(String(flags.timeout ?? '5m'), 'timeout');
  const session = await connect(flags);
  try {
    const { api, namespace } = session;
    const manager = String(flags['field-manager'] ?? 'kubectl-hpc');
    const target = rollbackTarget(await revisions(api, namespace, name), to);
    const current = await api.get<Current>(PROJECT_SERVICES, namespace, name);
    const spec = rollbackSpec(target, current, manager);
    await api.apply(PROJECT_SERVICES, namespace, name, applyBody(namespace, name, spec), {
      fieldManager: manager,
      force: true,
      dryRun: flags['dry-run'] === 'server',
    });
    process.stdout.write(
      `projectservice.apps.kubehpc.dev/${name} rolled back to revision ${target.revision}\n`,
    );
    if (flags['dry-run'] === 'server' || flags.wait === false) return 0;
    await waitReady(session, namespace, name, timeoutMs);
    return 0;
  } finally {
    session.close();
  }
}
