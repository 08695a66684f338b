// Schema of what a ProjectService takes from other objects of its namespace: env values and
// whole env sets from Secrets and ConfigMaps, Secret files, and image pull secrets. Each
// reference names an object the requesting user must be allowed to `get`: the API server
// checks that at admission (apiserver/src/registry/apps/projectservices/admission.ts), because
// the controller that renders the pods may read every Secret of the namespace.

import type { Schema } from '../../schema.ts';

const OBJECT_NAME: Schema = { type: 'string', format: 'dns1123-subdomain', minLength: 1 };

function keyRef(kind: 'Secret' | 'ConfigMap'): Schema {
  return {
    type: 'object',
    description: `A key of a ${kind} in the service's namespace.`,
    required: ['name', 'key'],
    properties: {
      name: { ...OBJECT_NAME, description: `Name of the ${kind}.` },
      key: { type: 'string', minLength: 1, maxLength: 253, description: `Key in the ${kind}'s data.` },
      optional: {
        type: 'boolean',
        default: false,
        description: `Start the replica even when the ${kind} or the key does not exist.`,
      },
    },
  };
}

export const ENV_VAR: Schema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', format: 'env-var-name', minLength: 1, description: 'Environment variable name.' },
    value: { type: 'string', default: '', description: 'Its value; empty when valueFrom is given.' },
    valueFrom: {
      type: 'object',
      description: 'Where the value comes from instead: exactly one of secretKeyRef or configMapKeyRef.',
      properties: { secretKeyRef: keyRef('Secret'), configMapKeyRef: keyRef('ConfigMap') },
    },
  },
};

function objectRef(kind: 'Secret' | 'ConfigMap'): Schema {
  return {
    type: 'object',
    description: `Every key of a ${kind} becomes a variable.`,
    required: ['name'],
    properties: {
      name: { ...OBJECT_NAME, description: `Name of the ${kind}.` },
      optional: {
        type: 'boolean',
        default: false,
        description: `Start the replica even when the ${kind} does not exist.`,
      },
    },
  };
}

export const ENV_FROM: Schema = {
  type: 'array',
  description: 'Whole Secrets and ConfigMaps as environment variables; env wins on a clash.',
  maxItems: 32,
  items: {
    type: 'object',
    description: 'Exactly one of secretRef or configMapRef.',
    properties: {
      prefix: {
        type: 'string',
        format: 'env-var-name',
        description: 'Prepended to every key, e.g. DB_.',
      },
      secretRef: objectRef('Secret'),
      configMapRef: objectRef('ConfigMap'),
    },
  },
};

export const SECRET_FILES: Schema = {
  type: 'array',
  description: 'Secrets whose keys appear as files, read-only, in a directory of every replica.',
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['mountPath'],
  items: {
    type: 'object',
    required: ['secretName', 'mountPath'],
    properties: {
      secretName: { ...OBJECT_NAME, description: 'Name of the Secret.' },
      mountPath: {
        type: 'string',
        format: 'absolute-path',
        minLength: 1,
        description: 'Directory the files appear in.',
      },
    },
  },
};

export const IMAGE_PULL_SECRETS: Schema = {
  type: 'array',
  description: 'Secrets (kubernetes.io/dockerconfigjson) holding credentials of private registries.',
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: {
    type: 'object',
    required: ['name'],
    properties: { name: { ...OBJECT_NAME, description: 'Name of the Secret.' } },
  },
};
