// Leader election over a coordination.k8s.io/v1 Lease, so of several replicas of a program
// only one acts. `observe` and `decide` are the pure state machine; `LeaderElector` is the I/O
// around them: read the Lease every retry period, create, take over or renew it with
// optimistic concurrency (a 409 means another replica won), and give up leadership when it
// could not renew within two thirds of the lease duration. It must never act as leader on a
// Lease it did not just write successfully.
//
// Expiry is judged on this process's own clock, never by comparing the holder's renewTime
// with it (client-go's rule): a Lease counts as renewed when this replica first sees its
// record change, so a skewed clock on either side cannot make two leaders.

import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { microTime } from '../time.ts';

export type Decision = 'acquire' | 'renew' | 'standby';

export interface LeaseView {
  holderIdentity?: string | undefined;
  renewTime?: Date | string | undefined;
  acquireTime?: Date | string | undefined;
  leaseDurationSeconds?: number | undefined;
  leaseTransitions?: number | undefined;
}

/** The Lease's record as last seen, and when (local clock, ms) it was first seen so. */
export interface Observation {
  record: string;
  at: number;
}

function recordOf(lease: LeaseView): string {
  const time = (t: Date | string | undefined) => (t instanceof Date ? t.toISOString() : (t ?? ''));
  return JSON.stringify([
    lease.holderIdentity ?? '',
    time(lease.renewTime),
    time(lease.acquireTime),
    lease.leaseDurationSeconds ?? 0,
    lease.leaseTransitions ?? 0,
  ]);
}

/** The observation after reading `lease` at `now`: kept while the record is unchanged. */
export function observe(
  lease: LeaseView | undefined,
  now: Date,
  previous: Observation | undefined,
): Observation | undefined {
  if (!lease) return undefined;
  const record = recordOf(lease);
  return previous?.record === record ? previous : { record, at: now.getTime() };
}

/** What `me` should do with the Lease as it reads now (undefined: no Lease exists yet). */
export function decide(
  lease: LeaseView | undefined,
  now: Date,
  me: string,
  observed: Observation | undefined,
): Decision {
  if (!lease) return 'acquire';
  if (lease.holderIdentity === me) return 'renew';
  if (!lease.holderIdentity) return 'acquire';
  const duration = lease.leaseDurationSeconds;
  if (duration === undefined || !(duration > 0)) return 'acquire';
  const seenAt = observed?.record === recordOf(lease) ? observed.at : now.getTime();
  return now.getTime() > seenAt + duration * 1000 ? 'acquire' : 'standby';
}

export interface ElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  retryPeriodMs: number;
  onStartedLeading: () => void;
  /** Called once when leadership is lost; the process should stop reconciling at once. */
  onStoppedLeading: () => void;
  log: Logger;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #o: ElectionOptions;
  #leading = false;
  #deadline: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #observed: Observation | undefined;

  constructor(kc: KubeConfig, options: ElectionOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#o = options;
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    void this.#tick();
  }

  /** Stops trying; a leader releases the Lease so a standby takes over without waiting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#deadline) clearTimeout(this.#deadline);
    if (!this.#leading) return;
    this.#leading = false;
    try {
      const lease = await this.#read();
      if (lease?.spec?.holderIdentity === this.#o.identity) {
        const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 };
        await this.#api.replaceNamespacedLease({
          name: this.#o.name,
          namespace: this.#o.namespace,
          body: { ...lease, spec },
        });
      }
    } catch {
      // The Lease expires by itself.
    }
  }

  async #tick(): Promise<void> {
    try {
      await this.#try();
    } catch (error) {
      this.#o.log.warn({ err: String((error as Error).message ?? error) }, 'leader election attempt failed');
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#tick(), this.#o.retryPeriodMs);
    }
  }

  async #try(): Promise<void> {
    const { name, namespace, identity, leaseDurationSeconds } = this.#o;
    const lease = await this.#read();
    const now = new Date();
    this.#observed = observe(lease?.spec, now, this.#observed);
    const decision = decide(lease?.spec, now, identity, this.#observed);
    if (decision === 'standby') {
      this.#lose(`${lease?.spec?.holderIdentity} holds the lease`);
      return;
    }
    const transitions = lease?.spec?.leaseTransitions ?? 0;
    // metav1.MicroTime with exactly six fractional digits; client-node would send three.
    const stamp = microTime(now) as unknown as Date;
    const spec = {
      ...lease?.spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: stamp,
      ...(decision === 'acquire'
        ? { acquireTime: stamp, leaseTransitions: lease ? transitions + 1 : 0 }
        : {}),
    };
    const body: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: lease ? lease.metadata : { name, namespace },
      spec,
    } as V1Lease;
    if (lease) await this.#api.replaceNamespacedLease({ name, namespace, body });
    else await this.#api.createNamespacedLease({ namespace, body });
    // Give up before the Lease can expire for the others: a leader that cannot renew within
    // two thirds of the duration stops before a standby may take over (client-go's renewDeadline).
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = setTimeout(
      () => this.#lose('could not renew the lease in time'),
      (leaseDurationSeconds * 2000) / 3,
    );
    this.#deadline.unref();
    if (!this.#leading) {
      this.#leading = true;
      this.#o.log.info({ lease: `${namespace}/${name}`, identity }, 'became leader');
      this.#o.onStartedLeading();
    }
  }

  #lose(why: string): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    if (!this.#leading) return;
    this.#leading = false;
    this.#o.log.warn({ reason: why }, 'leadership lost');
    this.#o.onStoppedLeading();
  }

  async #read(): Promise<V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
}
