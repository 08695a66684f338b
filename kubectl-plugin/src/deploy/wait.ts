// `--wait`: follows the service and its pods until the rollout is done, fails, or the timeout
// passes, showing progress: one live line on a terminal, timestamped lines otherwise.
//
// Event-driven, the way `kubectl rollout status` is: two watches (the service by name, its
// pods by selector) wake the loop, which then reads the state afresh and decides with the pure
// progressOf. A slow re-read also runs without events, so a watch that broke silently costs a
// few seconds, not the rollout. Answers that say "try again" (the aggregation layer's 503 while
// it re-checks our API server, 429, 502, 504, a dropped connection) are shown and retried until
// the deadline; anything else ends the wait.

import { ApiError, type KubeClient, UnreachableError } from '../../../common/kube/client.ts';
import { PODS, PROJECT_SERVICES, resourcePath, type Typed } from '../../../common/kube/resources.ts';
import { EXIT, ExitError } from '../errors.ts';
import { type PodLike, type Progress, progressOf, type ServiceLike } from './progress.ts';

/** The re-read without events: the safety net under the watches. */
const RESYNC_MS = 5000;
const TRANSIENT_CODES = new Set([429, 502, 503, 504]);

/** Whether an error is worth retrying while waiting. Pure. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return TRANSIENT_CODES.has(error.code);
  return error instanceof UnreachableError;
}

function reporter(tty: boolean) {
  let last = '';
  return {
    show(line: string) {
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

/** A wake-up call the watches ring and the loop waits on, with a timeout. */
class Bell {
  #ring: (() => void) | undefined;
  #rung = false;
  ring(): void {
    this.#rung = true;
    this.#ring?.();
  }
  wait(ms: number): Promise<void> {
    if (this.#rung) {
      this.#rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#ring = undefined;
        self.#rung = false;
        resolve();
      }
      this.#ring = done;
    });
  }
}

interface Watches {
  /** Starts whichever watch is not running, from the resourceVersions just read. */
  ensure(
    serviceVersion: string | undefined,
    selector: string | undefined,
    podsVersion: string | undefined,
  ): void;
  stop(): void;
}

function watches(client: KubeClient, namespace: string, name: string, bell: Bell): Watches {
  const stop = new AbortController();
  let service = false;
  let pods: string | undefined;
  const follow = (path: string, query: Record<string, string | undefined>, done: () => void) => {
    client
      .stream(path, { ...query, watch: 'true', allowWatchBookmarks: 'true' }, () => bell.ring(), stop.signal)
      .catch(() => undefined)
      .finally(() => {
        done();
        // Ended (server timeout, error): the loop reads again and starts it anew.
        bell.ring();
      });
  };
  return {
    ensure(serviceVersion, selector, podsVersion) {
      if (stop.signal.aborted) return;
      if (!service && serviceVersion) {
        service = true;
        follow(
          resourcePath(PROJECT_SERVICES, namespace),
          { fieldSelector: `metadata.name=${name}`, resourceVersion: serviceVersion },
          () => {
            service = false;
          },
        );
      }
      if (selector && pods !== selector && podsVersion) {
        pods = selector;
        follow(
          resourcePath(PODS, namespace),
          { labelSelector: selector, resourceVersion: podsVersion },
          () => {
            if (pods === selector) pods = undefined;
          },
        );
      }
    },
    stop: () => stop.abort(),
  };
}

type Service = ServiceLike & { metadata: { resourceVersion?: string }; status?: { selector?: string } };

/**
 * Waits for a ProjectService; returns the final service, throws ExitError on failure/timeout.
 * `replaced`, when given, must hold for every pod (a restart waits for new pods).
 */
export async function waitReady(
  session: { api: Typed; client: KubeClient },
  namespace: string,
  name: string,
  timeoutMs: number,
  replaced?: (pod: PodLike) => boolean,
): Promise<ServiceLike> {
  const { api, client } = session;
  const deadline = Date.now() + timeoutMs;
  const out = reporter(Boolean(process.stderr.isTTY));
  const bell = new Bell();
  const watching = watches(client, namespace, name, bell);
  let progress: Progress | undefined;
  try {
    for (;;) {
      try {
        const ps = await api.get<Service>(PROJECT_SERVICES, namespace, name);
        const selector = ps.status?.selector;
        const list = selector
          ? await api.list<PodLike>(PODS, namespace, { labelSelector: selector })
          : undefined;
        progress = progressOf(ps, list?.items ?? [], replaced);
        out.show(
          `${name}: ${progress.summary}${progress.pending.length ? ` — ${progress.pending.join('; ')}` : ''}`,
        );
        if (progress.state === 'done') return ps;
        if (progress.state === 'failed')
          throw new ExitError(`${name} failed: ${progress.failure}${pendingText(progress)}`, EXIT.error);
        watching.ensure(ps.metadata.resourceVersion, selector, list?.metadata.resourceVersion);
      } catch (error) {
        if (!isTransient(error)) throw error;
        out.show(`${name}: ${(error as Error).message}; retrying`);
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await bell.wait(Math.min(RESYNC_MS, left));
    }
  } finally {
    watching.stop();
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
