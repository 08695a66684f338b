// Command-line options of the API server, named like kube-apiserver's where they mean the
// same thing. Parsing is pure; a bad flag is an OptionsError with a usage hint.

import { parseArgs } from 'node:util';
import { parseDuration } from '../../../common/duration.ts';
import { ETCD_PREFIX } from '../../../common/names.ts';
import { AUTH_CONFIGMAP, type ConfigMapRef } from '../server/authconfig.ts';

export interface Options {
  bindAddress: string;
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  etcdServers: string;
  etcdCaFile: string;
  etcdCertFile: string;
  etcdKeyFile: string;
  etcdPrefix: string;
  /** How to reach kube-apiserver: a kubeconfig, or a URL with client certificate files. */
  kubeconfig?: string;
  kubeApiserver?: string;
  kubeCaFile?: string;
  kubeClientCertFile?: string;
  kubeClientKeyFile?: string;
  logRequests: boolean;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK. */
  watchBookmarkIntervalMs: number;
  /** Where the aggregation layer publishes its authentication configuration (watched). */
  authenticationConfigMap: ConfigMapRef;
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}

const REQUIRED = [
  'secure-port',
  'tls-cert-file',
  'tls-private-key-file',
  'etcd-servers',
  'etcd-cafile',
  'etcd-certfile',
  'etcd-keyfile',
] as const;

/** A duration as kube-apiserver's flags write them (`500ms`, `60s`, `2m`), in milliseconds. */
function durationMs(text: string): number | undefined {
  const seconds = parseDuration(text);
  return seconds === undefined ? undefined : seconds * 1000;
}

export function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        'bind-address': { type: 'string', default: '127.0.0.1' },
        'secure-port': { type: 'string' },
        'tls-cert-file': { type: 'string' },
        'tls-private-key-file': { type: 'string' },
        'etcd-servers': { type: 'string' },
        'etcd-cafile': { type: 'string' },
        'etcd-certfile': { type: 'string' },
        'etcd-keyfile': { type: 'string' },
        'etcd-prefix': { type: 'string', default: ETCD_PREFIX },
        kubeconfig: { type: 'string' },
        'kube-apiserver': { type: 'string' },
        'kube-ca-file': { type: 'string' },
        'kube-client-cert-file': { type: 'string' },
        'kube-client-key-file': { type: 'string' },
        'log-requests': { type: 'boolean', default: false },
        'watch-bookmark-interval': { type: 'string', default: '60s' },
        'authentication-config-map': {
          type: 'string',
          default: `${AUTH_CONFIGMAP.namespace}/${AUTH_CONFIGMAP.name}`,
        },
      },
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const missing = REQUIRED.filter((k) => !values[k]);
  if (missing.length > 0)
    throw new OptionsError(`missing required flags: ${missing.map((k) => `--${k}`).join(', ')}`);
  const port = Number(values['secure-port']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionsError(
      `--secure-port must be a port number (0: any free port), got ${values['secure-port']}`,
    );
  }
  const prefix = String(values['etcd-prefix']);
  if (!prefix.startsWith('/') || !prefix.endsWith('/'))
    throw new OptionsError('--etcd-prefix must start and end with /');
  const bookmarkMs = durationMs(String(values['watch-bookmark-interval']));
  if (bookmarkMs === undefined || bookmarkMs <= 0)
    throw new OptionsError('--watch-bookmark-interval must be a positive duration such as 500ms, 60s or 2m');
  const [cmNamespace, cmName, ...rest] = String(values['authentication-config-map']).split('/');
  if (!cmNamespace || !cmName || rest.length > 0)
    throw new OptionsError('--authentication-config-map must be <namespace>/<name>');
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const kube = ['kube-apiserver', 'kube-ca-file', 'kube-client-cert-file', 'kube-client-key-file'].filter(
    (k) => str(k),
  );
  if (kube.length > 0 && kube.length < 4) {
    throw new OptionsError(
      '--kube-apiserver, --kube-ca-file, --kube-client-cert-file and --kube-client-key-file go together',
    );
  }
  return {
    bindAddress: String(values['bind-address']),
    securePort: port,
    tlsCertFile: String(values['tls-cert-file']),
    tlsPrivateKeyFile: String(values['tls-private-key-file']),
    etcdServers: String(values['etcd-servers']),
    etcdCaFile: String(values['etcd-cafile']),
    etcdCertFile: String(values['etcd-certfile']),
    etcdKeyFile: String(values['etcd-keyfile']),
    etcdPrefix: prefix,
    ...(str('kubeconfig') ? { kubeconfig: str('kubeconfig') as string } : {}),
    ...(kube.length === 4
      ? {
          kubeApiserver: str('kube-apiserver') as string,
          kubeCaFile: str('kube-ca-file') as string,
          kubeClientCertFile: str('kube-client-cert-file') as string,
          kubeClientKeyFile: str('kube-client-key-file') as string,
        }
      : {}),
    logRequests: values['log-requests'] === true,
    watchBookmarkIntervalMs: bookmarkMs,
    authenticationConfigMap: { namespace: cmNamespace, name: cmName },
  };
}
