// Schema of a ProjectService's shared persistent data: one PersistentVolumeClaim mounted in
// every replica, either created and owned by the service (size, storage class) or an
// existing claim of the namespace, which the requesting user must be allowed to `get`.

import type { Schema } from '../../schema.ts';

export const DATA_ACCESS_MODES = [
  'ReadWriteMany',
  'ReadWriteOnce',
  'ReadWriteOncePod',
  'ReadOnlyMany',
] as const;

export const DATA: Schema = {
  type: 'object',
  description:
    'A persistent volume shared by all replicas: exactly one of size (a claim the service creates and owns; it outlives rollouts) or claimName (an existing claim).',
  required: ['mountPath'],
  properties: {
    mountPath: { type: 'string', format: 'absolute-path', minLength: 1, description: 'Where it is mounted.' },
    size: {
      type: 'string',
      format: 'quantity',
      minLength: 1,
      description: 'Size of the claim to create, e.g. 100Gi.',
    },
    storageClassName: {
      type: 'string',
      format: 'dns1123-subdomain',
      minLength: 1,
      description: "StorageClass of the claim to create; the cluster's default when omitted.",
    },
    accessMode: {
      type: 'string',
      enum: [...DATA_ACCESS_MODES],
      description:
        'Access mode of the claim to create; ReadWriteMany (shared by replicas on any node) when omitted.',
    },
    claimName: {
      type: 'string',
      format: 'dns1123-subdomain',
      minLength: 1,
      description: 'An existing PersistentVolumeClaim of the namespace to mount instead.',
    },
    readOnly: { type: 'boolean', default: false, description: 'Mount read-only.' },
  },
};
