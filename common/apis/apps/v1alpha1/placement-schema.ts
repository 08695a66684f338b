// Schema of where a ProjectService's replicas may run: a node selector, tolerations and the
// spread of replicas across nodes. Every node-selector key and toleration key is a placement
// the requesting user must be allowed to `use` (apps.kubehpc.dev/placements, named by the
// key): a cluster admin grants a project its node pools with ordinary RBAC, nothing is
// granted by default. The API server checks that at admission.

import type { Schema } from '../../schema.ts';

export const SPREADS = ['None', 'Nodes', 'NodesRequired'] as const;

const TOLERATION: Schema = {
  type: 'object',
  description: 'Lets replicas run on nodes with a matching taint, as a pod toleration does.',
  properties: {
    key: {
      type: 'string',
      format: 'qualified-name',
      description: 'Taint key; empty with operator Exists tolerates every taint (needs every placement).',
    },
    operator: { type: 'string', enum: ['Exists', 'Equal'], default: 'Equal' },
    value: { type: 'string', format: 'label-value', description: 'Taint value, with operator Equal.' },
    effect: {
      type: 'string',
      enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
      description: 'Taint effect; every effect when omitted.',
    },
    tolerationSeconds: {
      type: 'integer',
      format: 'int64',
      minimum: 0,
      description: 'With NoExecute: how long a replica stays once the taint appears.',
    },
  },
};

export const PLACEMENT: Schema = {
  type: 'object',
  description:
    'Which nodes replicas may run on, within what the project is allowed (verb use on placements.apps.kubehpc.dev named by each key).',
  properties: {
    nodeSelector: {
      type: 'object',
      description: 'Node labels a node must carry, e.g. node.kubehpc.dev/pool: gpu.',
      additionalProperties: { type: 'string', format: 'label-value' },
      maxProperties: 32,
    },
    tolerations: { type: 'array', items: TOLERATION, maxItems: 32 },
    spread: {
      type: 'string',
      enum: [...SPREADS],
      description:
        'Nodes: replicas prefer distinct nodes (anti-affinity the scheduler may break when nodes run out, so a rollout never stalls). NodesRequired: never two replicas on one node. None: no preference. Defaults to Nodes for core services, None otherwise.',
    },
  },
};
