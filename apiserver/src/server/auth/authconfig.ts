// The authentication configuration kube-apiserver publishes for extension API servers in
// kube-system/extension-apiserver-authentication: the client CA, the front-proxy
// (requestheader) CA, the proxy's allowed names and the header names. Parsing is pure;
// AuthConfigSource keeps a current copy by watching the ConfigMap, so a CA rotation takes
// effect without a restart. It must not decide who a request is: that is authn.ts.

import { X509Certificate } from 'node:crypto';
import { CoreV1Api, type KubeConfig, Watch } from '@kubernetes/client-node';

export interface AuthConfig {
  clientCAs: X509Certificate[];
  clientCAPem: string;
  requestHeaderCAs: X509Certificate[];
  requestHeaderCAPem: string;
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

export interface ConfigMapRef {
  namespace: string;
  name: string;
}

export const AUTH_CONFIGMAP: ConfigMapRef = {
  namespace: 'kube-system',
  name: 'extension-apiserver-authentication',
};

/** Every certificate in a PEM bundle. */
export function certificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function list(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

export function parseAuthConfig(data: Record<string, string>): AuthConfig {
  const clientCAPem = data['client-ca-file'] ?? '';
  const requestHeaderCAPem = data['requestheader-client-ca-file'] ?? '';
  return {
    clientCAs: certificates(clientCAPem),
    clientCAPem,
    requestHeaderCAs: certificates(requestHeaderCAPem),
    requestHeaderCAPem,
    allowedNames: list(data['requestheader-allowed-names']),
    usernameHeaders: list(data['requestheader-username-headers']),
    uidHeaders: list(data['requestheader-uid-headers']),
    groupHeaders: list(data['requestheader-group-headers']),
    extraHeaderPrefixes: list(data['requestheader-extra-headers-prefix']),
  };
}

/** A ConfigMap's content at one resourceVersion. */
export interface ConfigMapState {
  data: Record<string, string>;
  resourceVersion: string;
}

export type ConfigMapEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; state: ConfigMapState }
  | { type: 'ERROR'; message: string };

/** The two reads AuthConfigSource needs from kube-apiserver; tests substitute their own. */
export interface ConfigMapClient {
  read(ref: ConfigMapRef): Promise<ConfigMapState>;
  /** Watches one ConfigMap from a resourceVersion; resolves to a function that ends the watch. */
  watch(
    ref: ConfigMapRef,
    resourceVersion: string,
    onEvent: (event: ConfigMapEvent) => void,
    onDone: (error?: Error) => void,
  ): Promise<() => void>;
}

interface ConfigMapLike {
  data?: Record<string, string>;
  metadata?: { resourceVersion?: string };
  message?: string;
}

export function kubeConfigMapClient(kc: KubeConfig): ConfigMapClient {
  const core = kc.makeApiClient(CoreV1Api);
  const watcher = new Watch(kc);
  const state = (cm: ConfigMapLike): ConfigMapState => ({
    data: cm.data ?? {},
    resourceVersion: cm.metadata?.resourceVersion ?? '',
  });
  return {
    // A list narrowed to the one name, not a get: a list's resourceVersion is etcd's latest,
    // one a watch can start from. The object's own is that of its last change, usually older
    // than etcd's compaction window; a watch from it ends at once with 410 Expired, and
    // re-reading gave the same old version again (a read and a watch every second, forever).
    read: async (ref) => {
      const list = await core.listNamespacedConfigMap({
        namespace: ref.namespace,
        fieldSelector: `metadata.name=${ref.name}`,
      });
      const cm = list.items[0];
      if (!cm) throw new Error(`configmaps "${ref.name}" not found`);
      return { data: cm.data ?? {}, resourceVersion: list.metadata?.resourceVersion ?? '' };
    },
    watch: async (ref, resourceVersion, onEvent, onDone) => {
      const controller = await watcher.watch(
        `/api/v1/namespaces/${ref.namespace}/configmaps`,
        { fieldSelector: `metadata.name=${ref.name}`, resourceVersion, allowWatchBookmarks: true },
        (type: string, object: ConfigMapLike) => {
          if (type === 'ERROR') onEvent({ type, message: object.message ?? 'watch error' });
          else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK')
            onEvent({ type, state: state(object) });
        },
        (error: unknown) => onDone(error ? (error as Error) : undefined),
      );
      return () => controller.abort();
    },
  };
}

/**
 * The current authentication configuration: read once, then watched. A broken or expired
 * watch is re-established after a re-read, so no change is missed; the last good
 * configuration stays in force meanwhile.
 */
export class AuthConfigSource {
  readonly #client: ConfigMapClient;
  readonly #ref: ConfigMapRef;
  readonly #onChange: (config: AuthConfig) => void;
  readonly #retryMs: number;
  #current: AuthConfig | undefined;
  #fingerprint = '';
  #resourceVersion = '';
  #stopWatch: (() => void) | undefined;
  #retry: NodeJS.Timeout | undefined;
  #running = false;
  lastError: string | undefined;

  constructor(
    client: ConfigMapClient,
    onChange: (config: AuthConfig) => void,
    options: { ref?: ConfigMapRef; retryMs?: number } = {},
  ) {
    this.#client = client;
    this.#onChange = onChange;
    this.#ref = options.ref ?? AUTH_CONFIGMAP;
    this.#retryMs = options.retryMs ?? 1_000;
  }

  get current(): AuthConfig | undefined {
    return this.#current;
  }

  #describe(): string {
    return `${this.#ref.namespace}/${this.#ref.name}`;
  }

  #apply(state: ConfigMapState): void {
    this.#resourceVersion = state.resourceVersion;
    const fingerprint = JSON.stringify(state.data);
    if (fingerprint === this.#fingerprint) return;
    this.#fingerprint = fingerprint;
    this.#current = parseAuthConfig(state.data);
    this.#onChange(this.#current);
  }

  async refresh(): Promise<void> {
    try {
      this.#apply(await this.#client.read(this.#ref));
      this.lastError = undefined;
    } catch (error) {
      this.lastError = `cannot read ${this.#describe()}: ${(error as Error).message}`;
    }
  }

  /** Watches for changes until stop(); call after a first refresh(). */
  start(): void {
    this.#running = true;
    void this.#watch();
  }

  async #watch(): Promise<void> {
    if (!this.#running) return;
    if (!this.#resourceVersion || this.lastError) {
      await this.refresh();
      if (this.lastError) return this.#again();
    }
    let ended = false;
    const end = (error?: string) => {
      if (ended) return;
      ended = true;
      if (error) this.lastError = `watch of ${this.#describe()}: ${error}`;
      this.#stopWatch?.();
      this.#stopWatch = undefined;
      this.#again();
    };
    try {
      const stop = await this.#client.watch(
        this.#ref,
        this.#resourceVersion,
        (event) => {
          if (event.type === 'ERROR') {
            // Typically 410 Gone: the resourceVersion is too old. Re-read, then watch anew.
            this.#resourceVersion = '';
            end(event.message);
          } else if (event.type === 'BOOKMARK') this.#resourceVersion = event.state.resourceVersion;
          else if (event.type === 'DELETED') this.#resourceVersion = event.state.resourceVersion;
          else this.#apply(event.state);
        },
        (error) => end(error?.message),
      );
      if (ended || !this.#running) stop();
      else this.#stopWatch = stop;
    } catch (error) {
      end((error as Error).message);
    }
  }

  #again(): void {
    if (!this.#running) return;
    this.#retry = setTimeout(() => void this.#watch(), this.#retryMs);
    this.#retry.unref();
  }

  stop(): void {
    this.#running = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#stopWatch?.();
    this.#stopWatch = undefined;
  }
}
