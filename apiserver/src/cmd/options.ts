// Command-line options of the API server, named like kube-apiserver's where they mean the
// same thing. Parsing is pure; a bad flag is an OptionsError with a usage hint.

import { parseDuration } from '../../../common/duration.ts';
import { type Flags, readFlags } from '../../../common/flags.ts';
import { LOG_LEVELS, type LogLevel } from '../../../common/log.ts';
import { ETCD_PREFIX } from '../../../common/names.ts';
import { AUTH_CONFIGMAP, type ConfigMapRef } from '../server/auth/authconfig.ts';

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
  logLevel: LogLevel;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK. */
  watchBookmarkIntervalMs: number;
  /** Serve reads and watches from an in-memory cache per resource (kube-apiserver's --watch-cache). */
  watchCache: boolean;
  /** Offer HTTP/2 on the secure port (HTTP/1.1 stays available); --http2=false: HTTP/1.1 only. */
  http2: boolean;
  /** Where the aggregation layer publishes its authentication configuration (watched). */
  authenticationConfigMap: ConfigMapRef;
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** A duration as kube-apiserver's flags write them (`500ms`, `60s`, `2m`), in milliseconds. */
function durationMs(text: string): number | undefined {
  const seconds = parseDuration(text);
  return seconds === undefined ? undefined : seconds * 1000;
}

interface StringFlag {
  required?: true;
  default?: string;
}
const REQUIRED: StringFlag = { required: true };

/** Every string flag, once: whether it must be given, or what it defaults to. */
const STRING_FLAG_SPECS = {
  'bind-address': { default: '127.0.0.1' },
  'secure-port': REQUIRED,
  'tls-cert-file': REQUIRED,
  'tls-private-key-file': REQUIRED,
  'etcd-servers': REQUIRED,
  'etcd-cafile': REQUIRED,
  'etcd-certfile': REQUIRED,
  'etcd-keyfile': REQUIRED,
  'etcd-prefix': { default: ETCD_PREFIX },
  kubeconfig: {},
  'kube-apiserver': {},
  'kube-ca-file': {},
  'kube-client-cert-file': {},
  'kube-client-key-file': {},
  'watch-bookmark-interval': { default: '60s' },
  'watch-cache': {},
  http2: {},
  'authentication-config-map': { default: `${AUTH_CONFIGMAP.namespace}/${AUTH_CONFIGMAP.name}` },
  'log-level': { default: 'info' },
} satisfies Record<string, StringFlag>;
const STRING_FLAGS = Object.keys(STRING_FLAG_SPECS) as Array<keyof typeof STRING_FLAG_SPECS>;
const specOf = (k: keyof typeof STRING_FLAG_SPECS): StringFlag => STRING_FLAG_SPECS[k];

export function parseOptions(argv: string[]): Options {
  let flags: Flags;
  let logLevel: LogLevel;
  let watchCache: boolean;
  let http2: boolean;
  try {
    flags = readFlags(argv, STRING_FLAGS, ['log-requests']);
    logLevel = flags.oneOf('log-level', LOG_LEVELS, 'info');
    watchCache = flags.oneOf('watch-cache', ['true', 'false'], 'true') === 'true';
    http2 = flags.oneOf('http2', ['true', 'false'], 'true') === 'true';
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const values: Record<string, string | boolean | undefined> = Object.fromEntries([
    ...STRING_FLAGS.map((k) => [k, flags.string(k) ?? specOf(k).default]),
    ['log-requests', flags.boolean('log-requests')],
  ]);
  const missing = STRING_FLAGS.filter((k) => specOf(k).required && !values[k]);
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
    logLevel,
    watchBookmarkIntervalMs: bookmarkMs,
    watchCache,
    http2,
    authenticationConfigMap: { namespace: cmNamespace, name: cmName },
  };
}
