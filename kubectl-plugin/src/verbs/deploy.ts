// `deploy NAME` (create or update) and `update NAME` (the service must exist): server-side
// apply of exactly the given fields under our field manager, then --wait for Ready.

import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import { ApiError } from '../../../common/kube/client.ts';
import { PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import { givenSpec, type SpecFlags } from '../deploy/given.ts';
import { applyBody, type Current, mergeSpec, ownedSpec, type Spec } from '../deploy/spec.ts';
import { waitReady } from '../deploy/wait.ts';
import type { VerbInput } from '../dispatch.ts';
import { UsageError } from '../errors.ts';
import { connect } from '../session.ts';
import { checkName, parseDuration } from '../values.ts';

const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
};

/** The spec of a -f file (a ProjectService manifest), and the name it gives. */
function fromFile(path: string): { name?: string; spec: Spec } {
  let doc: unknown;
  try {
    doc = parseYaml(readText(path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  const o = doc as { kind?: unknown; metadata?: { name?: unknown }; spec?: unknown } | null;
  if (!o || o.kind !== PROJECT_SERVICES.kind || typeof o.spec !== 'object' || o.spec === null)
    throw new UsageError(`${path} is not a ProjectService manifest (kind: ProjectService with a spec)`);
  return { ...(typeof o.metadata?.name === 'string' ? { name: o.metadata.name } : {}), spec: o.spec as Spec };
}

export async function run({ args, flags }: VerbInput): Promise<number> {
  const isUpdate = flags._id === 'update';
  const file = typeof flags.file === 'string' ? fromFile(flags.file) : undefined;
  const name = checkName(args.name ?? file?.name ?? '', 'service name');
  const given = mergeSpec(file?.spec ?? {}, givenSpec(flags as SpecFlags, readText));
  if (!isUpdate && !given.image)
    throw new UsageError('deploy needs --image (or a -f manifest with spec.image)');
  if (isUpdate && Object.keys(given).length === 0)
    throw new UsageError('update needs at least one field to change');
  const timeoutMs = parseDuration(String(flags.timeout ?? '5m'), 'timeout');
  const dryRun = String(flags['dry-run'] ?? 'none');
  const manager = String(flags['field-manager'] ?? 'kubectl-hpc');

  if (dryRun === 'client') {
    const ns = typeof flags.namespace === 'string' ? flags.namespace : undefined;
    process.stdout.write(`${stringify(applyBody(ns ?? '', name, given)).trimEnd()}\n`);
    process.stderr.write(
      `projectservice.apps.kubehpc.dev/${name} ${isUpdate ? 'configured' : 'deployed'} (dry run)\n`,
    );
    return 0;
  }
  const session = await connect(flags);
  try {
    const { api, namespace } = session;
    let current: Current | undefined;
    try {
      current = await api.get<Current>(PROJECT_SERVICES, namespace, name);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      if (isUpdate)
        throw new UsageError(
          `projectservice "${name}" does not exist in ${namespace}: use deploy to create it`,
        );
    }
    const body = applyBody(namespace, name, mergeSpec(ownedSpec(current, manager), given));
    const applied = await api.apply<Current>(PROJECT_SERVICES, namespace, name, body, {
      fieldManager: manager,
      force: Boolean(flags['force-conflicts']),
      dryRun: dryRun === 'server',
    });
    const verb = !current
      ? 'created'
      : applied.metadata.generation === current.metadata.generation
        ? 'unchanged'
        : 'configured';
    process.stdout.write(
      `projectservice.apps.kubehpc.dev/${name} ${verb}${dryRun === 'server' ? ' (server dry run)' : ''}\n`,
    );
    if (dryRun === 'server' || flags.wait === false) return 0;
    const ready = await waitReady(session, namespace, name, timeoutMs);
    process.stdout.write(
      `${name} is ready: ${ready.status?.readyReplicas ?? 0}/${ready.spec?.replicas ?? 1} replicas${ready.status?.endpoint ? `, endpoint ${ready.status.endpoint}` : ''}\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
