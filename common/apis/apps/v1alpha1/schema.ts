// OpenAPI v3 schema of ProjectService (apps.kubehpc.dev/v1alpha1): the single source of
// truth for its fields, defaults (`default`), structural validation, `kubectl explain` and
// the published OpenAPI. Only what a schema cannot say is in validation.ts.
//
// There is deliberately no field for a security context, arbitrary volumes, host paths or host
// networking: the controller builds pods from these fields alone, so a user who may create
// a ProjectService cannot ask for a privileged or host-reaching pod through it.

import { CONDITIONS_SCHEMA, objectSchema } from '../../meta/schema.ts';
import type { Schema } from '../../schema.ts';
import { DATA } from './data-schema.ts';
import { PORT_EXPOSURE_SCHEMA, SERVICE_ENDPOINTS_SCHEMA } from './exposure.ts';
import { PLACEMENT } from './placement-schema.ts';
import { ENV_FROM, ENV_VAR, IMAGE_PULL_SECRETS, SECRET_FILES } from './sources-schema.ts';

const PORT_NUMBER: Schema = { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 };

const PORT: Schema = {
  type: 'object',
  description: 'A port the service listens on; each is exposed through the Service.',
  required: ['name', 'port'],
  properties: {
    name: {
      type: 'string',
      format: 'port-name',
      minLength: 1,
      description: 'IANA service name of the port, e.g. http.',
    },
    port: { ...PORT_NUMBER, description: 'Port number the container listens on and the Service exposes.' },
    protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'], default: 'TCP' },
    expose: PORT_EXPOSURE_SCHEMA,
  },
};

const RESOURCES: Schema = {
  type: 'object',
  description: 'Compute resources each replica gets (requests and limits alike).',
  properties: {
    cpu: { type: 'string', format: 'quantity', description: 'CPU per replica, e.g. "2" or "500m".' },
    memory: { type: 'string', format: 'quantity', description: 'Memory per replica, e.g. 4Gi.' },
    extended: {
      type: 'object',
      description:
        'Extended resources per replica by name, whole numbers, e.g. nvidia.com/gpu: "1" (requests equal limits).',
      additionalProperties: { type: 'string', format: 'quantity', minLength: 1 },
      maxProperties: 16,
    },
  },
};

const CONFIG: Schema = {
  type: 'object',
  description: 'Configuration files mounted into every replica and updated in place when changed.',
  required: ['mountPath'],
  properties: {
    mountPath: {
      type: 'string',
      format: 'absolute-path',
      minLength: 1,
      description: 'Directory the files appear in.',
    },
    files: {
      type: 'object',
      description: 'File name to content.',
      additionalProperties: { type: 'string' },
      maxProperties: 64,
    },
    onChange: {
      type: 'string',
      enum: ['Live', 'Restart'],
      default: 'Live',
      description: 'Live: files change in running replicas. Restart: a rolling restart follows a change.',
    },
  },
};

const HARDWARE: Schema = {
  type: 'object',
  description: 'Hardware each replica needs; the scheduler extender places replicas accordingly.',
  properties: {
    sriovVFs: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 64,
      default: 0,
      description: 'SR-IOV virtual functions per replica.',
    },
    numa: {
      type: 'string',
      enum: ['None', 'SingleNode'],
      default: 'None',
      description: 'SingleNode: CPUs, memory and VFs of a replica come from one NUMA node.',
    },
    localDisk: { type: 'string', format: 'quantity', description: 'Node-local disk per replica, e.g. 50Gi.' },
  },
};

const PROBE_TIMING = {
  initialDelaySeconds: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600, default: 0 },
  periodSeconds: { type: 'integer', format: 'int32', minimum: 1, maximum: 3600, default: 10 },
  timeoutSeconds: { type: 'integer', format: 'int32', minimum: 1, maximum: 600, default: 1 },
  failureThreshold: { type: 'integer', format: 'int32', minimum: 1, maximum: 100, default: 3 },
} satisfies Record<string, Schema>;

const HEALTH_CHECK: Schema = {
  type: 'object',
  description: 'How to tell a replica is healthy: exactly one of http or tcp.',
  properties: {
    http: {
      type: 'object',
      required: ['port'],
      properties: {
        path: {
          type: 'string',
          default: '/',
          pattern: '^/',
          description: 'Path of an HTTP GET that must answer 2xx/3xx.',
        },
        port: {
          type: 'string',
          format: 'port-name',
          minLength: 1,
          description: 'Name of one of spec.ports.',
        },
      },
    },
    tcp: {
      type: 'object',
      required: ['port'],
      properties: {
        port: {
          type: 'string',
          format: 'port-name',
          minLength: 1,
          description: 'Name of one of spec.ports.',
        },
      },
    },
    ...PROBE_TIMING,
  },
};

export const PROJECT_SERVICE_SPEC_SCHEMA: Schema = {
  type: 'object',
  description: 'What the service runs and needs.',
  required: ['image'],
  properties: {
    image: {
      type: 'string',
      format: 'image-reference',
      minLength: 1,
      description: 'Container image, e.g. registry.example/portal:1.4.2.',
    },
    command: {
      type: 'array',
      items: { type: 'string' },
      maxItems: 64,
      description: "Overrides the image's entrypoint.",
    },
    args: {
      type: 'array',
      items: { type: 'string' },
      maxItems: 256,
      description: 'Arguments to the entrypoint.',
    },
    replicas: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 10000,
      default: 1,
      description: 'Number of replicas ("service count").',
    },
    ports: {
      type: 'array',
      items: PORT,
      maxItems: 32,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    env: {
      type: 'array',
      items: ENV_VAR,
      maxItems: 256,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    },
    envFrom: ENV_FROM,
    secretFiles: SECRET_FILES,
    imagePullSecrets: IMAGE_PULL_SECRETS,
    resources: RESOURCES,
    config: CONFIG,
    hardware: HARDWARE,
    core: {
      type: 'boolean',
      default: false,
      description: 'Counts toward the "at most N core services per node" placement limit.',
    },
    healthCheck: HEALTH_CHECK,
    placement: PLACEMENT,
    data: DATA,
  },
};

export const PROJECT_SERVICE_STATUS_SCHEMA: Schema = {
  type: 'object',
  description: 'What really runs, as observed by the controller.',
  properties: {
    phase: { type: 'string', enum: ['Pending', 'Progressing', 'Running', 'Degraded', 'Failed'] },
    replicas: { type: 'integer', format: 'int32', minimum: 0 },
    readyReplicas: { type: 'integer', format: 'int32', minimum: 0 },
    updatedReplicas: { type: 'integer', format: 'int32', minimum: 0 },
    availableReplicas: { type: 'integer', format: 'int32', minimum: 0 },
    selector: {
      type: 'string',
      description: 'Label selector of the replicas, as the scale subresource reports it.',
    },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    endpoint: { type: 'string', description: 'In-cluster address, e.g. portal.climate.svc:8080.' },
    endpoints: SERVICE_ENDPOINTS_SCHEMA,
    conditions: CONDITIONS_SCHEMA,
  },
};

export const PROJECT_SERVICE_SCHEMA: Schema = objectSchema({
  description: 'A service of a project: image, replicas, ports, config files and hardware needs.',
  spec: PROJECT_SERVICE_SPEC_SCHEMA,
  status: PROJECT_SERVICE_STATUS_SCHEMA,
});
