// The authentication configuration kube-apiserver publishes for extension API servers in
// kube-system/extension-apiserver-authentication: the client CA, the front-proxy
// (requestheader) CA, the proxy's allowed names and the header names. Parsing is pure;
// AuthConfigSource keeps a current copy by re-reading the ConfigMap periodically, so a CA
// rotation takes effect without a restart.

import { X509Certificate } from 'node:crypto';
import type { CoreV1Api } from '@kubernetes/client-node';

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

export const AUTH_CONFIGMAP = {
  namespace: 'kube-system',
  name: 'extension-apiserver-authentication',
} as const;

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

export class AuthConfigSource {
  readonly #core: CoreV1Api;
  readonly #onChange: (config: AuthConfig) => void;
  #current: AuthConfig | undefined;
  #fingerprint = '';
  #timer: NodeJS.Timeout | undefined;
  lastError: string | undefined;

  constructor(core: CoreV1Api, onChange: (config: AuthConfig) => void) {
    this.#core = core;
    this.#onChange = onChange;
  }

  get current(): AuthConfig | undefined {
    return this.#current;
  }

  async refresh(): Promise<void> {
    try {
      const cm = await this.#core.readNamespacedConfigMap(AUTH_CONFIGMAP);
      const data = cm.data ?? {};
      const fingerprint = JSON.stringify(data);
      this.lastError = undefined;
      if (fingerprint === this.#fingerprint) return;
      this.#fingerprint = fingerprint;
      this.#current = parseAuthConfig(data);
      this.#onChange(this.#current);
    } catch (error) {
      this.lastError = `cannot read ${AUTH_CONFIGMAP.namespace}/${AUTH_CONFIGMAP.name}: ${(error as Error).message}`;
    }
  }

  start(intervalMs = 10_000): void {
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
