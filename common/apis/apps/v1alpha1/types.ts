// TypeScript shape of ProjectService. Hand-written rather than derived so editors show
// named, documented interfaces; test/unit/apiserver/apis/drift.test.ts proves it declares
// exactly the fields schema.ts declares, so the schema stays the source of truth.

import type { Condition, TypedObject } from '../../meta/types.ts';
import type { PortExposure, ServiceEndpoint } from './exposure.ts';

export interface ServicePort {
  name: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  expose?: PortExposure;
}

export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
}

export interface ObjectRef {
  name: string;
  optional?: boolean;
}

export interface EnvFromSource {
  prefix?: string;
  secretRef?: ObjectRef;
  configMapRef?: ObjectRef;
}

export interface SecretFiles {
  secretName: string;
  mountPath: string;
}

export interface Resources {
  cpu?: string;
  memory?: string;
  /** Extended resource name → whole quantity, e.g. `nvidia.com/gpu: "1"`. */
  extended?: Record<string, string>;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

export interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  spread?: 'None' | 'Nodes' | 'NodesRequired';
}

export interface Data {
  mountPath: string;
  size?: string;
  storageClassName?: string;
  accessMode?: 'ReadWriteMany' | 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadOnlyMany';
  claimName?: string;
  readOnly?: boolean;
}

export interface ConfigFiles {
  mountPath: string;
  files?: Record<string, string>;
  onChange?: 'Live' | 'Restart';
}

export interface Hardware {
  sriovVFs?: number;
  numa?: 'None' | 'SingleNode';
  localDisk?: string;
}

export interface HealthCheck {
  http?: { path?: string; port: string };
  tcp?: { port: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface ProjectServiceSpec {
  image: string;
  command?: string[];
  args?: string[];
  replicas?: number;
  ports?: ServicePort[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  secretFiles?: SecretFiles[];
  imagePullSecrets?: { name: string }[];
  resources?: Resources;
  config?: ConfigFiles;
  hardware?: Hardware;
  core?: boolean;
  healthCheck?: HealthCheck;
  placement?: Placement;
  data?: Data;
}

export type ProjectServicePhase = 'Pending' | 'Progressing' | 'Running' | 'Degraded' | 'Failed';

export interface ProjectServiceStatus {
  phase?: ProjectServicePhase;
  replicas?: number;
  readyReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  selector?: string;
  observedGeneration?: number;
  endpoint?: string;
  endpoints?: ServiceEndpoint[];
  conditions?: Condition[];
}

export type ProjectService = TypedObject<ProjectServiceSpec, ProjectServiceStatus>;
