// The connection every verb shares: kubeconfig flags → RestConfig → KubeClient.

import { type KubeClient, kubeClient } from '../../common/kube/client.ts';
import { loadRestConfig, type Overrides } from '../../common/kube/kubeconfig.ts';
import { type Typed, typed } from '../../common/kube/resources.ts';
import { parseDuration } from './values.ts';

/** kubectl's connection flags (common/kube's overrides) and the request timeout. */
export interface ConnectionFlags extends Overrides {
  'request-timeout'?: string | undefined;
}

export interface Session {
  client: KubeClient;
  api: Typed;
  namespace: string;
  close(): void;
}

export async function connect(flags: ConnectionFlags): Promise<Session> {
  const config = loadRestConfig(flags);
  const timeout = flags['request-timeout'] ? parseDuration(flags['request-timeout'], 'request-timeout') : 0;
  const client = await kubeClient(config, timeout);
  return { client, api: typed(client), namespace: config.namespace, close: () => client.close() };
}
