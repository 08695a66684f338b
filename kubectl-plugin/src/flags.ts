// Flag definitions the commands share, with kubectl's names and letters.

import { Flags } from '@oclif/core';

const CONNECTION = 'CONNECTION';

/** kubectl's connection flags: which kubeconfig, context, cluster, user, namespace, identity. */
export const connection = {
  kubeconfig: Flags.string({
    description: 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)',
    helpGroup: CONNECTION,
  }),
  context: Flags.string({ description: 'The kubeconfig context to use', helpGroup: CONNECTION }),
  cluster: Flags.string({ description: 'The kubeconfig cluster to use', helpGroup: CONNECTION }),
  user: Flags.string({ description: 'The kubeconfig user to use', helpGroup: CONNECTION }),
  namespace: Flags.string({
    char: 'n',
    description: "The project (namespace); default: the context's namespace",
    helpGroup: CONNECTION,
  }),
  as: Flags.string({ description: 'Username to impersonate', helpGroup: CONNECTION }),
  'as-group': Flags.string({
    description: 'Group to impersonate (repeatable)',
    multiple: true,
    helpGroup: CONNECTION,
  }),
  'request-timeout': Flags.string({
    description: 'Give up on a single request after this long (e.g. 10s)',
    helpGroup: CONNECTION,
  }),
};

export const output = {
  output: Flags.string({
    char: 'o',
    description: 'Output format: table, wide, json, yaml, name, jsonpath=TEMPLATE',
  }),
  'no-headers': Flags.boolean({ description: 'Print tables without the header line' }),
};

export const listing = {
  'all-namespaces': Flags.boolean({ char: 'A', description: 'List across all namespaces' }),
  selector: Flags.string({ char: 'l', description: 'Label selector (e.g. tier=web)' }),
};

export const writing = {
  'dry-run': Flags.string({
    description:
      'none: apply; client: print what would be sent; server: let the API server validate without saving',
    options: ['none', 'client', 'server'],
    default: 'none',
  }),
  'field-manager': Flags.string({
    description: 'Field manager name for server-side apply',
    default: 'kubectl-hpc',
  }),
};

export const waiting = {
  wait: Flags.boolean({
    description: 'Wait until the service is Ready (--wait=false to return at once)',
    default: true,
  }),
  timeout: Flags.string({ description: 'How long --wait waits', default: '5m' }),
};

/** The flags deploy and update share: each sets one spec field. */
export const spec = {
  image: Flags.string({ description: 'Container image' }),
  replicas: Flags.string({ description: 'Number of replicas' }),
  port: Flags.string({ description: 'Exposed port, [name:]PORT (repeatable)', multiple: true }),
  env: Flags.string({
    char: 'e',
    description: 'Environment variable KEY=VALUE (repeatable)',
    multiple: true,
  }),
  'env-file': Flags.string({ description: 'File of KEY=VALUE lines (repeatable)', multiple: true }),
  'config-file': Flags.string({
    description: 'Config file to mount, by its base name (repeatable)',
    multiple: true,
  }),
  'config-mount': Flags.string({
    description: 'Where config files appear in the container (default /app/config)',
  }),
  'on-config-change': Flags.string({
    description: 'live: files change in place; restart: roll the pods',
    options: ['live', 'restart'],
  }),
  cpu: Flags.string({ description: 'CPU per replica (e.g. 500m, 2)' }),
  memory: Flags.string({ description: 'Memory per replica (e.g. 4Gi)' }),
  vf: Flags.string({ description: 'SR-IOV virtual functions per replica' }),
  numa: Flags.string({
    description: 'single: keep each replica inside one NUMA zone',
    options: ['single', 'none'],
  }),
  'local-disk': Flags.string({ description: 'Local disk per replica (e.g. 50Gi)' }),
  core: Flags.boolean({ description: 'Count as a core service (at most N per node)', allowNo: true }),
  health: Flags.string({ description: 'Health check: http:/PATH:PORT or tcp:PORT' }),
  'env-from-secret': Flags.string({
    description: 'Every key of a Secret as env (repeatable)',
    multiple: true,
  }),
  'secret-env': Flags.string({
    description: 'Env from a Secret key, KEY=SECRET/KEY (repeatable)',
    multiple: true,
  }),
  'pull-secret': Flags.string({ description: 'Image pull Secret name (repeatable)', multiple: true }),
  gpu: Flags.string({ description: 'GPUs per replica (nvidia.com/gpu)' }),
  resource: Flags.string({
    description: 'Extended resource per replica, NAME=N (repeatable)',
    multiple: true,
  }),
  'node-selector': Flags.string({
    description: 'Node label the nodes must have, KEY=VALUE (repeatable)',
    multiple: true,
  }),
  toleration: Flags.string({
    description: 'Tolerate a taint, KEY[=VALUE][:EFFECT] (repeatable)',
    multiple: true,
  }),
  volume: Flags.string({ description: 'Shared persistent volume, SIZE:PATH (e.g. 100Gi:/shared)' }),
  expose: Flags.string({
    description:
      'Expose a port (repeatable): [PORT=]nodeport|clusterip|ingress:HOST[/PATH][@CLASS]|httproute:HOST[/PATH]@[NS/]GATEWAY[:LISTENER]',
    multiple: true,
  }),
  file: Flags.string({ char: 'f', description: 'A ProjectService YAML; flags override its fields' }),
  'force-conflicts': Flags.boolean({ description: 'Take over fields another field manager owns' }),
};
