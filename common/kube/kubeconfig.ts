// Kubeconfig loading with kubectl's rules (client-go's clientcmd), not client-node's:
// - KUBECONFIG lists files (':'-separated); missing files are skipped; for every named
//   cluster, user and context, and for current-context, the FIRST file to set it wins;
//   a name repeated across files is fine (the first one wins); repeated within one file it is
//   an error, as in kubectl;
// - --kubeconfig names exactly one file, which must exist;
// - relative paths inside a file are relative to that file's directory;
// - --context, --cluster, --user override the current context's choices; the namespace is
//   -n, else the context's, else "default".
// Pure except for reading the files: `mergeKubeconfigs` and `resolve` take parsed documents.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isObject as isRecord } from '../object.ts';

export interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args?: string[];
  env?: { name: string; value: string }[];
  interactiveMode?: string;
}

export interface UserEntry {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  as?: string;
  'as-groups'?: string[];
}

export interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** A merged kubeconfig: named entries in first-wins order, with the file each came from. */
export interface Kubeconfig {
  clusters: Map<string, ClusterEntry>;
  users: Map<string, UserEntry>;
  contexts: Map<string, ContextEntry>;
  currentContext: string | undefined;
}

/**
 * What a command line may override, under kubectl's own flag names, so a CLI hands its parsed
 * flags over as they are. A false --insecure-skip-tls-verify overrides nothing, as in kubectl.
 */
export interface Overrides {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  cluster?: string | undefined;
  user?: string | undefined;
  namespace?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  as?: string | undefined;
  'as-group'?: string[] | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
}

/** Everything needed to talk to one API server as one identity. */
export interface RestConfig {
  server: string;
  contextName: string | undefined;
  clusterName: string | undefined;
  userName: string | undefined;
  namespace: string;
  /** Whether the namespace came from -n or the context (false: the "default" fallback). */
  namespaceExplicit: boolean;
  ca?: Buffer | undefined;
  insecure: boolean;
  tlsServerName?: string | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  token?: string | undefined;
  tokenFile?: string | undefined;
  basic?: { username: string; password: string } | undefined;
  exec?: ExecConfig | undefined;
  impersonate?: { user: string; groups: string[] } | undefined;
}

/** A kubeconfig that cannot be used; the message says what to fix. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

interface Named<T> {
  name?: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

/** Resolves the file-relative paths of one entry against the file's directory. */
function absolutise<T extends object>(entry: T, keys: readonly string[], dir: string): T {
  const out = { ...entry } as Record<string, unknown>;
  for (const key of keys) {
    const value = out[key];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) out[key] = join(dir, value);
  }
  return out as T;
}

/** Adds one parsed document to the merge (entries already present stay: first wins). */
function mergeInto(into: Kubeconfig, doc: unknown, file: string): void {
  if (doc === null || doc === undefined) return;
  if (!isRecord(doc)) throw new KubeconfigError(`${file}: not a kubeconfig (expected a mapping)`);
  const dir = dirname(file);
  const take = <T extends object>(
    list: unknown,
    field: 'cluster' | 'user' | 'context',
    target: Map<string, T>,
    fix: (entry: T) => T,
  ) => {
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) throw new KubeconfigError(`${file}: "${field}s" must be a list`);
    const inFile = new Set<string>();
    for (const item of list as Named<T>[]) {
      if (!isRecord(item) || typeof item.name !== 'string')
        throw new KubeconfigError(`${file}: every entry of "${field}s" needs a name`);
      if (inFile.has(item.name))
        throw new KubeconfigError(
          `error loading kubeconfig ${file}: duplicate name "${item.name}" in ${field}s`,
        );
      inFile.add(item.name);
      const entry = item[field];
      if (!target.has(item.name)) target.set(item.name, fix(isRecord(entry) ? (entry as T) : ({} as T)));
    }
  };
  take<ClusterEntry>(doc.clusters, 'cluster', into.clusters, (c) =>
    absolutise(c, ['certificate-authority'], dir),
  );
  take<UserEntry>(doc.users, 'user', into.users, (u) => {
    const fixed = absolutise(u, ['client-certificate', 'client-key', 'tokenFile'], dir);
    // An exec command given as a relative path (with a separator) is relative to the file.
    if (fixed.exec && typeof fixed.exec.command === 'string' && fixed.exec.command.includes('/'))
      fixed.exec = absolutise(fixed.exec, ['command'], dir);
    return fixed;
  });
  take<ContextEntry>(doc.contexts, 'context', into.contexts, (c) => c);
  const current = doc['current-context'];
  if (into.currentContext === undefined && typeof current === 'string' && current !== '')
    into.currentContext = current;
}

/** Merges parsed documents, first wins, in the given order. Pure. */
export function mergeKubeconfigs(docs: readonly { file: string; doc: unknown }[]): Kubeconfig {
  const merged: Kubeconfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: undefined,
  };
  for (const { file, doc } of docs) mergeInto(merged, doc, file);
  return merged;
}

/** The files to read: --kubeconfig, else KUBECONFIG's list (empty entries dropped), else ~/.kube/config. */
export function kubeconfigFiles(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { files: string[]; mustExist: boolean } {
  if (explicit) return { files: [explicit], mustExist: true };
  const list = env.KUBECONFIG;
  if (list) {
    const seen = new Set<string>();
    const files = list.split(delimiter).filter((f) => f !== '' && !seen.has(f) && seen.add(f));
    return { files, mustExist: false };
  }
  return { files: [join(env.HOME ?? homedir(), '.kube', 'config')], mustExist: false };
}

/** Reads and merges the kubeconfig files, skipping missing ones unless they must exist. */
export function loadKubeconfig(explicit?: string, env: NodeJS.ProcessEnv = process.env): Kubeconfig {
  const { files, mustExist } = kubeconfigFiles(explicit, env);
  const docs: { file: string; doc: unknown }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !mustExist) continue;
      throw new KubeconfigError(
        code === 'ENOENT' ? `kubeconfig ${file} does not exist` : `cannot read kubeconfig ${file}: ${code}`,
      );
    }
    try {
      docs.push({ file, doc: parseYaml(text) });
    } catch (error) {
      throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(error as Error).message}`);
    }
  }
  return mergeKubeconfigs(docs);
}

const fromBase64 = (data: string | undefined) => (data ? Buffer.from(data, 'base64') : undefined);
const readBytes = (path: string | undefined, what: string) => {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KubeconfigError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
};

/** Picks the context, cluster and user, and reads the credentials they name. */
export function resolve(config: Kubeconfig, o: Overrides = {}): RestConfig {
  const contextName = o.context || config.currentContext;
  const context = contextName === undefined ? undefined : config.contexts.get(contextName);
  if (o.context && !context)
    throw new KubeconfigError(`context "${o.context}" does not exist in the kubeconfig`);
  const clusterName = o.cluster || context?.cluster;
  const userName = o.user || context?.user;
  const cluster = clusterName === undefined ? undefined : config.clusters.get(clusterName);
  if (o.cluster && !cluster)
    throw new KubeconfigError(`cluster "${o.cluster}" does not exist in the kubeconfig`);
  const user = userName === undefined ? undefined : config.users.get(userName);
  if (o.user && !user) throw new KubeconfigError(`user "${o.user}" does not exist in the kubeconfig`);
  const server = o.server || cluster?.server;
  if (!server) {
    if (contextName === undefined)
      throw new KubeconfigError(
        'no cluster configured: set KUBECONFIG or --kubeconfig to a kubeconfig file with a current context, or pass --context',
      );
    throw new KubeconfigError(
      cluster
        ? `cluster "${clusterName}" has no server address`
        : `context "${contextName}" names cluster "${clusterName ?? ''}", which the kubeconfig does not define`,
    );
  }
  const namespace = o.namespace || context?.namespace;
  const asUser = o.as || user?.as;
  const insecure = (o['insecure-skip-tls-verify'] || cluster?.['insecure-skip-tls-verify']) ?? false;
  const token = o.token || user?.token;
  return {
    server: server.replace(/\/+$/, ''),
    contextName,
    clusterName,
    userName,
    namespace: namespace || 'default',
    namespaceExplicit: Boolean(namespace),
    ca: insecure
      ? undefined
      : (fromBase64(cluster?.['certificate-authority-data']) ??
        readBytes(cluster?.['certificate-authority'], 'certificate authority')),
    insecure,
    tlsServerName: cluster?.['tls-server-name'],
    cert:
      fromBase64(user?.['client-certificate-data']) ??
      readBytes(user?.['client-certificate'], 'client certificate'),
    key: fromBase64(user?.['client-key-data']) ?? readBytes(user?.['client-key'], 'client key'),
    token,
    tokenFile: token ? undefined : user?.tokenFile,
    basic: user?.username && user.password ? { username: user.username, password: user.password } : undefined,
    exec: token ? undefined : user?.exec,
    impersonate: asUser ? { user: asUser, groups: o['as-group'] ?? user?.['as-groups'] ?? [] } : undefined,
  };
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The in-cluster configuration (a pod's service account), or undefined outside a pod. */
export function inClusterConfig(
  env: NodeJS.ProcessEnv = process.env,
  dir = SERVICE_ACCOUNT_DIR,
): RestConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  let namespace = 'default';
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || 'default';
  } catch {}
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    contextName: undefined,
    clusterName: undefined,
    userName: undefined,
    namespace,
    namespaceExplicit: true,
    ca: readBytes(join(dir, 'ca.crt'), 'service account CA'),
    insecure: false,
    tokenFile: join(dir, 'token'),
  };
}

/**
 * kubectl's choice of configuration: the kubeconfig when it names a cluster (or flags do),
 * else the in-cluster configuration, else the kubeconfig's error.
 */
export function loadRestConfig(o: Overrides = {}, env: NodeJS.ProcessEnv = process.env): RestConfig {
  const config = loadKubeconfig(o.kubeconfig, env);
  const configured = config.currentContext !== undefined || o.context || o.server || o.cluster;
  if (!configured && !o.kubeconfig) {
    const inCluster = inClusterConfig(env);
    if (inCluster) {
      if (o.namespace) {
        inCluster.namespace = o.namespace;
      }
      if (o.as) inCluster.impersonate = { user: o.as, groups: o['as-group'] ?? [] };
      return inCluster;
    }
  }
  return resolve(config, o);
}
