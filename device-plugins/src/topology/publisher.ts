// Keeps the node's NodeResourceTopology object current: server-side apply whenever the built
// object changes, and again on a resync period so a deleted or edited object comes back.
// The object itself is built by nrt.ts; this module only writes it.

import { type KubernetesObject, type KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { Logger } from '../../../common/log.ts';
import { ERROR_CODES } from '../errors.ts';
import type { NodeResourceTopology } from './nrt.ts';

export const FIELD_MANAGER = 'kubehpc-device-plugin';

export interface PublisherHooks {
  published(): void;
  failed(): void;
}

export class TopologyPublisher {
  private readonly client: KubernetesObjectApi;
  private readonly build: () => NodeResourceTopology;
  private readonly log: Logger;
  private readonly hooks: PublisherHooks;
  private lastPublished = '';
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  /** True once the object has been written and the last write succeeded. */
  healthy = false;

  constructor(
    client: KubernetesObjectApi,
    build: () => NodeResourceTopology,
    log: Logger,
    hooks: PublisherHooks,
    retryMs = 5_000,
  ) {
    this.retryMs = retryMs;
    this.client = client;
    this.build = build;
    this.log = log;
    this.hooks = hooks;
  }

  /** Publishes if the object changed (or `force`); concurrent calls coalesce into one more run. */
  publish(force = false): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.write(force).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.publish();
      }
    });
    return this.running;
  }

  private async write(force: boolean): Promise<void> {
    const object = this.build();
    const text = JSON.stringify(object);
    if (!force && text === this.lastPublished) return;
    try {
      await this.client.patch(
        object as unknown as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      this.lastPublished = text;
      this.healthy = true;
      this.hooks.published();
      this.log.info(
        {
          node: object.metadata.name,
          zones: object.zones.length,
        },
        'published NodeResourceTopology',
      );
    } catch (error) {
      this.healthy = false;
      this.hooks.failed();
      // Retry sooner than the resync period; a later change or resync also retries.
      if (this.timer && !this.retry) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          void this.publish(true);
        }, this.retryMs);
      }
      this.log.error(
        {
          code: ERROR_CODES.TOPOLOGY_PUBLISH_FAILED,
          node: object.metadata.name,
          err: (error as Error).message,
        },
        'cannot publish NodeResourceTopology',
      );
    }
  }

  start(resyncMs: number): Promise<void> {
    this.timer = setInterval(() => void this.publish(true), resyncMs);
    return this.publish(true);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.timer = undefined;
    this.retry = undefined;
  }
}
