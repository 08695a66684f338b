// OpenAPI schemas of the metav1 parts both kinds embed. Published as is in OpenAPI, used
// for pruning and structural checks; metadata's semantic rules are in meta/validation.ts.

import type { Schema } from '../schema.ts';

const STRING_MAP: Schema = { type: 'object', additionalProperties: { type: 'string' } };

export const OWNER_REFERENCE_SCHEMA: Schema = {
  type: 'object',
  description:
    'Points at the object this one belongs to; the garbage collector deletes dependents of deleted owners.',
  required: ['apiVersion', 'kind', 'name', 'uid'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    uid: { type: 'string' },
    controller: { type: 'boolean' },
    blockOwnerDeletion: { type: 'boolean' },
  },
};

export const MANAGED_FIELDS_ENTRY_SCHEMA: Schema = {
  type: 'object',
  properties: {
    manager: { type: 'string' },
    operation: { type: 'string', enum: ['Apply', 'Update'] },
    apiVersion: { type: 'string' },
    time: { type: 'string', format: 'date-time' },
    fieldsType: { type: 'string', enum: ['FieldsV1'] },
    fieldsV1: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    subresource: { type: 'string' },
  },
};

export const OBJECT_META_SCHEMA: Schema = {
  type: 'object',
  description: 'Standard object metadata.',
  properties: {
    name: { type: 'string', description: 'Name, unique within the namespace.' },
    generateName: {
      type: 'string',
      description: 'Prefix of a server-generated name, used when name is empty.',
    },
    namespace: { type: 'string', description: 'The project the object belongs to.' },
    uid: { type: 'string' },
    resourceVersion: {
      type: 'string',
      description: 'The etcd revision of the last change; opaque to clients.',
    },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: {
      type: 'array',
      items: OWNER_REFERENCE_SCHEMA,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
    },
    finalizers: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    managedFields: { type: 'array', items: MANAGED_FIELDS_ENTRY_SCHEMA },
  },
};

export const CONDITION_SCHEMA: Schema = {
  type: 'object',
  required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  properties: {
    type: { type: 'string', maxLength: 316 },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    reason: { type: 'string', maxLength: 1024 },
    message: { type: 'string', maxLength: 32768 },
  },
};

export const CONDITIONS_SCHEMA: Schema = {
  type: 'array',
  items: CONDITION_SCHEMA,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
};

/** The envelope every top-level kind shares, around its own spec and status. */
export function objectSchema(kind: { description: string; spec: Schema; status: Schema }): Schema {
  return {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: OBJECT_META_SCHEMA,
      spec: kind.spec,
      status: kind.status,
    },
  };
}
