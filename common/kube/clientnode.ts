// The hand-over to @kubernetes/client-node: a program that needs client-node's informers
// or typed APIs gets a client-node KubeConfig built from the configuration common/kube
// loaded with kubectl's rules (kubeconfig.ts), so every program has one loader. Only the
// daemons import this file; the plugin never does (client-node is slow to load).

import { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigError, loadRestConfig, type Overrides, type RestConfig } from './kubeconfig.ts';

const base64 = (data: Buffer | undefined) => (data ? data.toString('base64') : undefined);

/** client-node's KubeConfig for exactly one cluster, user and context: the resolved ones. */
export function clientNodeConfig(config: RestConfig): KubeConfig {
  if (config.impersonate && config.impersonate.groups.length > 0) {
    throw new KubeconfigError('impersonating groups (as-groups) is not supported by the daemons');
  }
  const clusterName = config.clusterName ?? 'cluster';
  const userName = config.userName ?? 'user';
  const contextName = config.contextName ?? 'context';
  const caData = base64(config.ca);
  const certData = base64(config.cert);
  const keyData = base64(config.key);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: clusterName,
        server: config.server,
        skipTLSVerify: config.insecure,
        ...(caData ? { caData } : {}),
        ...(config.tlsServerName ? { tlsServerName: config.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name: userName,
        ...(certData ? { certData } : {}),
        ...(keyData ? { keyData } : {}),
        ...(config.token ? { token: config.token } : {}),
        // client-node re-reads a token file (a projected service-account token rotates) this way.
        ...(config.tokenFile
          ? { authProvider: { name: 'tokenFile', config: { tokenFile: config.tokenFile } } }
          : {}),
        ...(config.basic ? { username: config.basic.username, password: config.basic.password } : {}),
        ...(config.exec ? { exec: config.exec } : {}),
        ...(config.impersonate ? { impersonateUser: config.impersonate.user } : {}),
      },
    ],
    contexts: [{ name: contextName, cluster: clusterName, user: userName, namespace: config.namespace }],
    currentContext: contextName,
  });
  return kc;
}

/**
 * kubectl's loading (--kubeconfig; else KUBECONFIG, first file wins; else ~/.kube/config;
 * else in-cluster) handed to client-node. Throws KubeconfigError saying what to fix.
 */
export function loadClientNodeConfig(
  overrides: Overrides = {},
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig {
  return clientNodeConfig(loadRestConfig(overrides, env));
}
