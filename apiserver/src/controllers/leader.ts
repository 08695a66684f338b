// Leader election over a coordination.k8s.io/v1 Lease, so of several controller replicas only
// one reconciles. `decide` is the pure state machine (what to do with the Lease as read now);
// `LeaderElector` is the I/O around it: read the Lease every retry period, create, take over
// or renew it with optimistic concurrency (a 409 means another replica won), and give up
// leadership when it could not renew within two thirds of the lease duration. It must never act as leader
// on a Lease it did not just write successfully.

import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

export type Decision = 'acquire' | 'renew' | 'standby';

export interface LeaseView {
  holderIdentity?: string | undefined;
  renewTime?: Date | string | undefined;
  leaseDurationSeconds?: number | undefined;
}

/** What `me` should do with the Lease as it reads now (undefined: no Lease exists yet). */
export function decide(lease: LeaseView | undefined, now: Date, me: string): Decision {
  if (!lease) return 'acquire';
  if (lease.holderIdentity === me) return 'renew';
  if (!lease.holderIdentity) return 'acquire';
  const renewed = lease.renewTime === undefined ? Number.NaN : new Date(lease.renewTime).getTime();
  if (Number.isNaN(renewed)) return 'acquire';
  const expires = renewed + (lease.leaseDurationSeconds ?? 0) * 1000;
  return now.getTime() > expires ? 'acquire' : 'standby';
}

/**
 * A Lease's times are metav1.MicroTime, which the API server parses with exactly six
 * fractional digits; client-node would send a Date with three, so the string goes as is.
 */
function microTime(at: Date): Date {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
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
  log: (msg: string, extra?: Record<string, unknown>) => void;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #o: ElectionOptions;
  #leading = false;
  #deadline: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

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
      this.#o.log('leader election attempt failed', { error: String((error as Error).message ?? error) });
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(() => void this.#tick(), this.#o.retryPeriodMs);
    }
  }

  async #try(): Promise<void> {
    const { name, namespace, identity, leaseDurationSeconds } = this.#o;
    const lease = await this.#read();
    const now = new Date();
    const decision = decide(lease?.spec, now, identity);
    if (decision === 'standby') {
      this.#lose(`${lease?.spec?.holderIdentity} holds the lease`);
      return;
    }
    const transitions = lease?.spec?.leaseTransitions ?? 0;
    const stamp = microTime(now);
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
      this.#o.log('became leader', { lease: `${namespace}/${name}`, identity });
      this.#o.onStartedLeading();
    }
  }

  #lose(why: string): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    if (!this.#leading) return;
    this.#leading = false;
    this.#o.log(`leadership lost: ${why}`);
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
