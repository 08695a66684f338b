// `--wait`: polls the service and its pods until the rollout is done, fails, or the timeout
// passes, showing progress: one live line on a terminal, timestamped lines otherwise.

import { PODS, PROJECT_SERVICES, type Typed } from '../../../common/kube/resources.ts';
import { EXIT, ExitError } from '../errors.ts';
import { type PodLike, type Progress, progressOf, type ServiceLike } from './progress.ts';

const POLL_MS = 1000;

function reporter(tty: boolean) {
  let last = '';
  return {
    show(name: string, p: Progress) {
      const line = `${name}: ${p.summary}${p.pending.length ? ` — ${p.pending.join('; ')}` : ''}`;
      if (line === last) return;
      last = line;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    },
    end() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

/** Waits for a ProjectService; returns the final service, throws ExitError on failure/timeout. */
export async function waitReady(
  api: Typed,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<ServiceLike> {
  const deadline = Date.now() + timeoutMs;
  const out = reporter(Boolean(process.stderr.isTTY));
  let progress: Progress | undefined;
  try {
    for (;;) {
      const ps = await api.get<ServiceLike & { status?: { selector?: string } }>(
        PROJECT_SERVICES,
        namespace,
        name,
      );
      const selector = ps.status?.selector;
      const pods = selector
        ? (await api.list<PodLike>(PODS, namespace, { labelSelector: selector })).items
        : [];
      progress = progressOf(ps, pods);
      out.show(name, progress);
      if (progress.state === 'done') return ps;
      if (progress.state === 'failed')
        throw new ExitError(`${name} failed: ${progress.failure}${pendingText(progress)}`, EXIT.error);
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
    }
  } finally {
    out.end();
  }
  throw new ExitError(
    `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${name} to be Ready (${progress?.summary ?? 'no status'})${pendingText(progress)}\n` +
      `the service was saved and keeps converging; see 'kubectl hpc why ${name}', or undo with 'kubectl hpc rollback ${name}' or 'kubectl hpc delete ${name}'`,
    EXIT.waitTimeout,
  );
}

const pendingText = (p: Progress | undefined) =>
  p?.pending.length ? `\nstill pending:\n  ${p.pending.join('\n  ')}` : '';
