// `config push NAME FILE…`: replaces those config files (by base name) with a server-side
// apply of spec.config.files only; waits and says whether the pods restarted.

import { readFileSync } from 'node:fs';
import { ApiError } from '../../../common/kube/client.ts';
import { PODS, PROJECT_SERVICES } from '../../../common/kube/resources.ts';
import { configFiles, DEFAULT_CONFIG_MOUNT } from '../deploy/given.ts';
import { applyBody, type Current, mergeSpec, ownedSpec } from '../deploy/spec.ts';
import { waitReady } from '../deploy/wait.ts';
import type { VerbInput } from '../dispatch.ts';
import { UsageError } from '../errors.ts';
import { connect } from '../session.ts';
import { checkName, parseDuration } from '../values.ts';

export async function run({ argv, flags }: VerbInput): Promise<number> {
  const [rawName, ...paths] = argv;
  const name = checkName(rawName ?? '', 'service name');
  if (paths.length === 0) throw new UsageError('config push needs at least one FILE');
  const files = configFiles(paths, (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${p}: ${(error as NodeJS.ErrnoException).code}`);
    }
  });
  const timeoutMs = parseDuration(String(flags.timeout ?? '5m'), 'timeout');
  const manager = String(flags['field-manager'] ?? 'kubectl-hpc');
  const session = await connect(flags);
  try {
    const { api, namespace } = session;
    let current: Current & {
      spec?: { config?: { mountPath?: string; onChange?: string } };
      status?: { selector?: string };
    };
    try {
      current = await api.get(PROJECT_SERVICES, namespace, name);
    } catch (error) {
      if (error instanceof ApiError && error.code === 404)
        throw new UsageError(`projectservice "${name}" does not exist in ${namespace}`);
      throw error;
    }
    // Pods being deleted do not count: they are the ones a restart replaces.
    const livePods = async () =>
      current.status?.selector
        ? new Set(
            (
              await api.list<{ metadata: { name: string; deletionTimestamp?: string } }>(PODS, namespace, {
                labelSelector: current.status.selector,
              })
            ).items
              .filter((p) => !p.metadata.deletionTimestamp)
              .map((p) => p.metadata.name),
          )
        : new Set<string>();
    const before = await livePods();
    const mountPath = current.spec?.config?.mountPath ?? DEFAULT_CONFIG_MOUNT;
    const spec = mergeSpec(ownedSpec(current, manager), { config: { mountPath, files } });
    await api.apply(PROJECT_SERVICES, namespace, name, applyBody(namespace, name, spec), {
      fieldManager: manager,
      force: true,
      dryRun: flags['dry-run'] === 'server',
    });
    const mode = current.spec?.config?.onChange === 'Restart' ? 'restart' : 'live';
    process.stdout.write(`pushed ${Object.keys(files).join(', ')} to ${name} (${mode} update)\n`);
    if (flags['dry-run'] === 'server' || flags.wait === false) return 0;
    await waitReady(session, namespace, name, timeoutMs);
    const after = await livePods();
    const kept = [...before].filter((p) => after.has(p)).length;
    process.stdout.write(
      kept === before.size && before.size > 0
        ? `pods unchanged (${kept} kept running): files updated in place\n`
        : `pods restarted: ${before.size - kept} replaced\n`,
    );
    return 0;
  } finally {
    session.close();
  }
}
