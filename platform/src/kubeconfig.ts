// Kubeconfig documents for the platform's identities: pure, certificates embedded, so a
// kubeconfig stays valid when copied elsewhere.

import { stringify } from 'yaml';

export interface KubeconfigInput {
  clusterName: string;
  userName: string;
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function kubeconfigYaml(input: KubeconfigInput): string {
  const context = `${input.userName}@${input.clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.clusterName,
        cluster: { server: input.server, 'certificate-authority-data': b64(input.caPem) },
      },
    ],
    users: [
      {
        name: input.userName,
        user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) },
      },
    ],
    contexts: [{ name: context, context: { cluster: input.clusterName, user: input.userName } }],
    'current-context': context,
  });
}
