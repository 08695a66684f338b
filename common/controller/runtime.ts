// The loop every kubehpc controller runs, written once: informers feed a keyed work queue,
// a number of workers take keys and call the controller's reconcile (observe → decide →
// act, which is all a controller supplies), a failed key comes back after its per-key
// backoff, every key is revisited each resync period, and metrics count it all. Leadership
// is the caller's: it starts the runtime when it leads and stops it when it loses the Lease,
// after which no worker starts another reconcile.

import type { KubernetesObject, Watch } from '@kubernetes/client-node';
import { createInformer, type Informer, type InformerSpec } from '../informer.ts';
import type { Logger } from '../log.ts';
import type { ControllerMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';

/** How a failed reconcile is counted and logged. */
export interface Failure {
  /** A conflict or similar: retried without counting as an error. */
  quiet: boolean;
  /** A short reason for the errors metric, e.g. a Kubernetes Status reason. */
  reason: string;
  message: string;
}

export interface Reconciler {
  /** Names the controller in metrics and logs. */
  readonly name: string;
  /** Brings the object behind `key` to its desired state; throws to be retried. */
  reconcile(key: string): Promise<void>;
  /** The keys every resync revisits (usually every primary object). */
  keys(): string[];
  classify(error: unknown): Failure;
}

/** What a program's main needs of each controller it runs. */
export interface Controller {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
}

export interface RuntimeOptions {
  workers: number;
  resyncMs: number;
  metrics: ControllerMetrics;
  log: Logger;
  watch: Watch;
}

export class ControllerRuntime {
  readonly #o: RuntimeOptions;
  readonly #queue = new WorkQueue();
  readonly #informers: Array<Informer<KubernetesObject>> = [];
  #reconciler: Reconciler | undefined;
  #resync: NodeJS.Timeout | undefined;
  #stopped = false;
  #running = 0;

  constructor(options: RuntimeOptions) {
    this.#o = options;
  }

  /** A cache of one resource; its changes reach the queue through `spec`'s handlers. */
  informer<T extends KubernetesObject>(spec: InformerSpec<T>): Informer<T> {
    const informer = createInformer(this.#o.watch, spec, this.#o.log);
    this.#informers.push(informer as unknown as Informer<KubernetesObject>);
    return informer;
  }

  /** Queues a key (namespace/name); keys with an empty part are ignored. */
  enqueue(namespace: string | undefined, name: string | undefined): void {
    if (!namespace || !name || this.#stopped) return;
    this.#queue.add(`${namespace}/${name}`);
    this.#depth();
  }

  /** True once every informer has listed once: reconciles then see the whole picture. */
  synced(): boolean {
    return this.#informers.every((i) => i.synced());
  }

  /** True once stop() was called: a reconcile in flight should write nothing more. */
  get stopped(): boolean {
    return this.#stopped;
  }

  async start(reconciler: Reconciler): Promise<void> {
    this.#reconciler = reconciler;
    await Promise.all(this.#informers.map((i) => i.start()));
    for (let i = 0; i < this.#o.workers; i++) void this.#work(reconciler);
    this.#resync = setInterval(() => {
      for (const key of reconciler.keys()) {
        const [namespace, name] = key.split('/');
        this.enqueue(namespace, name);
      }
    }, this.#o.resyncMs);
    this.#resync.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#resync) clearInterval(this.#resync);
    this.#queue.shutDown();
    await Promise.all(this.#informers.map((i) => i.stop()));
  }

  /** Reconciles in flight (for tests and shutdown). */
  get running(): number {
    return this.#running;
  }

  #depth(): void {
    const name = this.#reconciler?.name;
    if (name) this.#o.metrics.queueDepth.set({ controller: name }, this.#queue.depth);
  }

  async #work(r: Reconciler): Promise<void> {
    const { metrics, log } = this.#o;
    const controller = r.name;
    for (;;) {
      const key = await this.#queue.get();
      if (key === undefined || this.#stopped) return;
      this.#depth();
      const end = metrics.duration.startTimer({ controller });
      this.#running++;
      try {
        await r.reconcile(key);
        this.#queue.forget(key);
        metrics.reconciles.inc({ controller, result: 'success' });
      } catch (error) {
        const failure = r.classify(error);
        if (failure.quiet) {
          metrics.reconciles.inc({ controller, result: 'requeue' });
        } else {
          metrics.reconciles.inc({ controller, result: 'error' });
          metrics.errors.inc({ controller, reason: failure.reason });
          const [project, object] = key.split('/');
          log.warn(
            { controller, project, object, reason: failure.reason, err: failure.message },
            'reconcile failed; retrying',
          );
        }
        this.#queue.addRateLimited(key);
      } finally {
        this.#running--;
        end();
        this.#queue.done(key);
      }
    }
  }
}
