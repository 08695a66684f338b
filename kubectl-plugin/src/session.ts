// The connection every verb shares: kubeconfig flags → RestConfig → KubeClient.

import { type KubeClient, kubeClient } from '../../common/kube/client.ts';
import { loadRestConfig } from '../../common/kube/kubeconfig.ts';
import { type Typed, typed } from '../../common/kube/resources.ts';
import { parseDuration } from './values.ts';

export interface ConnectionFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  cluster?: string | undefined;
  user?: string | undefined;
  namespace?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  as?: string | undefined;
  'as-group'?: string[] | undefined;
  'request-timeout'?: string | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
}

export interface Session {
  client: KubeClient;
  api: Typed;
  namespace: string;
  close(): void;
}

export async function connect(flags: ConnectionFlags): Promise<Session> {
  const config = loadRestConfig({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    user: flags.user,
    namespace: flags.namespace,
    server: flags.server,
    token: flags.token,
    as: flags.as,
    asGroups: flags['as-group'],
    insecureSkipTlsVerify: flags['insecure-skip-tls-verify'] || undefined,
  });
  const timeout = flags['request-timeout'] ? parseDuration(flags['request-timeout'], 'request-timeout') : 0;
  const client = await kubeClient(config, timeout);
  return { client, api: typed(client), namespace: config.namespace, close: () => client.close() };
}
