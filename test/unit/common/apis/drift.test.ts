// The hand-written TypeScript types and the OpenAPI schemas declare exactly the same fields:
// each example below must set every field its type allows (DeepRequired makes the compiler
// insist), and the test checks the schema declares exactly those paths, no more, no fewer.

import t from 'tap';
import { PROJECT_SERVICE } from '../../../../common/apis/apps/v1alpha1/register.ts';
import type {
  ProjectServiceSpec,
  ProjectServiceStatus,
} from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { ObjectMeta } from '../../../../common/apis/meta/types.ts';
import { SCALING_POLICY } from '../../../../common/apis/scaling/v1alpha1/register.ts';
import type {
  ScalingPolicySpec,
  ScalingPolicyStatus,
} from '../../../../common/apis/scaling/v1alpha1/types.ts';
import { propertyPaths, prune, validate } from '../../../../common/apis/schema.ts';

type DeepRequired<T> =
  T extends Array<infer U>
    ? Array<DeepRequired<U>>
    : T extends object
      ? { [K in keyof T]-?: DeepRequired<T[K]> }
      : T;

const condition = {
  type: 'Ready',
  status: 'True' as const,
  observedGeneration: 1,
  lastTransitionTime: '2026-01-01T00:00:00Z',
  reason: 'AllReplicasReady',
  message: 'ok',
};

const metadata: DeepRequired<ObjectMeta> = {
  name: 'portal',
  generateName: 'portal-',
  namespace: 'climate',
  uid: 'u',
  resourceVersion: '5',
  generation: 1,
  creationTimestamp: '2026-01-01T00:00:00Z',
  deletionTimestamp: '2026-01-01T00:00:00Z',
  deletionGracePeriodSeconds: 0,
  labels: { a: 'b' },
  annotations: { a: 'b' },
  ownerReferences: [
    { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u2', controller: true, blockOwnerDeletion: true },
  ],
  finalizers: ['kubehpc.dev/f'],
  managedFields: [
    {
      manager: 'm',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      subresource: '',
    },
  ],
};

const psSpec: DeepRequired<ProjectServiceSpec> = {
  image: 'registry.example/portal:1.4.2',
  command: ['/bin/portal'],
  args: ['--serve'],
  replicas: 3,
  ports: [
    {
      name: 'http',
      port: 8080,
      protocol: 'TCP',
      expose: {
        type: 'HTTPRoute',
        host: 'portal.example.org',
        path: '/',
        ingressClassName: 'nginx',
        gateway: { name: 'main', namespace: 'gateways', sectionName: 'http' },
      },
    },
  ],
  env: [
    {
      name: 'DB_PASSWORD',
      value: '',
      valueFrom: {
        secretKeyRef: { name: 'db', key: 'password', optional: false },
        configMapKeyRef: { name: 'settings', key: 'mode', optional: false },
      },
    },
  ],
  envFrom: [
    {
      prefix: 'DB_',
      secretRef: { name: 'db', optional: false },
      configMapRef: { name: 'settings', optional: false },
    },
  ],
  secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
  imagePullSecrets: [{ name: 'registry' }],
  resources: { cpu: '2', memory: '4Gi', extended: { 'nvidia.com/gpu': '1' } },
  placement: {
    nodeSelector: { 'node.kubehpc.dev/pool': 'gpu' },
    tolerations: [
      { key: 'nvidia.com/gpu', operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: 30 },
    ],
    spread: 'Nodes',
  },
  data: {
    mountPath: '/shared',
    size: '10Gi',
    storageClassName: 'standard',
    accessMode: 'ReadWriteMany',
    claimName: 'existing',
    readOnly: false,
  },
  config: { mountPath: '/app/config', files: { 'application.yml': 'a: 1' }, onChange: 'Live' },
  hardware: { sriovVFs: 2, numa: 'SingleNode', localDisk: '50Gi' },
  core: true,
  healthCheck: {
    http: { path: '/healthz', port: 'http' },
    tcp: { port: 'http' },
    initialDelaySeconds: 1,
    periodSeconds: 10,
    timeoutSeconds: 1,
    failureThreshold: 3,
  },
};

const psStatus: DeepRequired<ProjectServiceStatus> = {
  phase: 'Running',
  replicas: 3,
  readyReplicas: 3,
  updatedReplicas: 3,
  availableReplicas: 3,
  selector: 'app=portal',
  observedGeneration: 2,
  endpoint: 'portal.climate.svc:8080',
  endpoints: [{ port: 'http', type: 'ClusterIP', url: 'portal.climate.svc:8080' }],
  conditions: [condition],
};

const decision = {
  id: 'd-1',
  time: '2026-01-01T00:00:00Z',
  from: 4,
  to: 6,
  reason: 'qps',
  rules: [
    {
      name: 'qps',
      source: 'prometheus' as const,
      value: 600,
      target: 100,
      desiredReplicas: 6,
      active: true,
      fallback: false,
      error: '',
    },
  ],
  proposal: 6,
  winner: { policy: 'portal-peak', rule: 'qps' },
  clamps: [{ kind: 'MaxReplicas' as const, from: 7, to: 6, message: 'maxReplicas' }],
  actuated: true,
};

const spSpec: DeepRequired<ScalingPolicySpec> = {
  targetRef: { name: 'portal' },
  minReplicas: 2,
  maxReplicas: 20,
  rules: [
    {
      name: 'all',
      resource: { name: 'cpu', targetUtilization: 80 },
      prometheus: { query: 'sum(rate(x[1m]))', targetPerReplica: 100, emptyAs: 0 },
      schedule: {
        cron: '0 8 * * 1-5',
        timeZone: 'Asia/Shanghai',
        duration: '2h',
        replicas: 10,
        maxReplicas: 15,
        excludeDates: ['2026-10-01'],
      },
      weight: 1,
      priority: 0,
      fallbackReplicas: 4,
    },
  ],
  combine: 'Max',
  precedence: 0,
  mode: 'Auto',
  tolerance: 0.1,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
  prometheusAddress: 'http://127.0.0.1:9090',
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      tolerance: 0.05,
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Min',
      tolerance: 0.1,
      policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
    },
  },
  capacityGuard: { maxUtilizationPercent: 80, action: 'Refuse' },
  paused: 'None',
};

const spStatus: DeepRequired<ScalingPolicyStatus> = {
  currentReplicas: 4,
  desiredReplicas: 6,
  observedGeneration: 1,
  lastDecision: decision,
  history: [decision],
  conditions: [condition],
};

/** Paths of an example, in the notation of propertyPaths (maps and free-form objects are leaves). */
function examplePaths(value: unknown, leaves: Set<string>, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? examplePaths(value[0], leaves, `${prefix}[]`) : [];
  if (typeof value !== 'object' || value === null || leaves.has(prefix)) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const here = prefix === '' ? key : `${prefix}.${key}`;
    out.push(here);
    out.push(...examplePaths(child, leaves, here.replace(/\[\]\./g, '[].')));
  }
  return out;
}

const MAP_LEAVES = new Set([
  'metadata.labels',
  'metadata.annotations',
  'metadata.managedFields[].fieldsV1',
  'spec.config.files',
  'spec.placement.nodeSelector',
  'spec.resources.extended',
]);

for (const [def, spec, status] of [
  [PROJECT_SERVICE, psSpec, psStatus],
  [SCALING_POLICY, spSpec, spStatus],
] as const) {
  t.test(`${def.kind}: TypeScript type and schema declare the same fields`, async (t) => {
    const example = { apiVersion: `${def.group}/${def.version}`, kind: def.kind, metadata, spec, status };
    const fromSchema = propertyPaths(def.schema).sort();
    const fromType = [...new Set(examplePaths(example, MAP_LEAVES))].sort();
    t.same(fromType, fromSchema);
    t.same(prune(def.schema, example).unknown, [], 'nothing in the type is unknown to the schema');
    t.same(validate(def.schema, example), [], 'the full example is structurally valid');
  });
}
