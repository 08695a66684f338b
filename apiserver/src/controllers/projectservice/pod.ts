// The pod template of a ProjectService: one container built from the spec alone, the
// scheduling hints the scheduler extender reads, the config directory, the per-replica local
// disk, probes and a security context that passes Pod Security Admission "restricted".
// Pure and deterministic (same spec → byte-identical template), because any change here rolls
// every replica of every service.
//
// What it must never do: take a security-relevant field from anywhere but these constants.
// The API has no field for host access, privileges or volumes on purpose (see the schema), so
// a user who may create a ProjectService gets exactly this pod shape and nothing more.

import { createHash } from 'node:crypto';
import type {
  V1Container,
  V1EnvVar,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type {
  ConfigFiles,
  HealthCheck,
  ProjectService,
} from '../../../../common/apis/apps/v1alpha1/types.ts';
import {
  CORE_SERVICE_LABEL,
  DATA_MOUNT_PATH,
  LOCAL_DISK_RESOURCE,
  NODE_CLASS_LABEL,
  NUMA_POLICY_ANNOTATION,
  NUMA_POLICY_SINGLE_NODE,
  PLACEMENT_RESOURCE,
  REAL_NODE_ANNOTATION,
  REAL_NODE_CLASS,
  REAL_NODE_TAINT,
  RESTARTED_AT_ANNOTATION,
  SRIOV_VF_RESOURCE,
} from '../../../../common/names.ts';
import { childLabels, childNames, nameOf } from './identity.ts';
import { sortedRecord } from './sorted.ts';

/** Pod-template annotation holding the config's content hash when `onChange: Restart`. */
export const CONFIG_HASH_ANNOTATION = 'kubehpc.dev/config-hash';
/**
 * Supplementary group the kubelet gives the data volume and the container's processes, so a
 * non-root process can write to a freshly provisioned (root-owned) filesystem. Any non-zero
 * GID works: the kubelet adds it to the process, whatever the image's user.
 */
export const DATA_FS_GROUP = 65532;

const CONFIG_VOLUME = 'config';

export interface PodOptions {
  /**
   * StorageClass of the per-replica local-disk claim (e.g. TopoLVM's). Without one, local
   * disk is an emptyDir capped at the requested size: node-local too, but not provisioned.
   */
  localDiskStorageClass?: string | undefined;
}

/**
 * Content hash of the config files: equal for equal files whatever their key order. Only
 * `onChange: Restart` puts it in the pod template; a Live service's template never changes
 * when its config does, so its replicas are never restarted by a config push.
 */
export function configHash(config: ConfigFiles): string {
  const files = Object.entries(sortedRecord(config.files ?? {}));
  return createHash('sha256').update(JSON.stringify(files)).digest('hex');
}

export function podTemplate(ps: ProjectService, options: PodOptions = {}): V1PodTemplateSpec {
  const spec = ps.spec;
  const labels: Record<string, string> = childLabels(ps, 'workload');
  if (spec.core === true) labels[CORE_SERVICE_LABEL] = 'true';
  const annotations: Record<string, string> = {};
  if (spec.hardware?.numa === NUMA_POLICY_SINGLE_NODE)
    annotations[NUMA_POLICY_ANNOTATION] = NUMA_POLICY_SINGLE_NODE;
  if (spec.config && spec.config.onChange === 'Restart')
    annotations[CONFIG_HASH_ANNOTATION] = configHash(spec.config);
  const restartedAt = ps.metadata.annotations?.[RESTARTED_AT_ANNOTATION];
  if (typeof restartedAt === 'string' && restartedAt !== '')
    annotations[RESTARTED_AT_ANNOTATION] = restartedAt;

  const volumes = podVolumes(ps, options);
  return {
    metadata: {
      labels: sortedRecord(labels),
      ...(Object.keys(annotations).length > 0 ? { annotations: sortedRecord(annotations) } : {}),
    },
    spec: {
      // The service talks to its peers through Services, not the Kubernetes API.
      automountServiceAccountToken: false,
      containers: [container(ps)],
      // Projects hold many services; docker-link variables for each would crowd the env.
      enableServiceLinks: false,
      securityContext: podSecurityContext(volumes.some((v) => v.ephemeral !== undefined)),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...realNodePlacement(ps),
    },
  };
}

/**
 * The local platform's real node (real-0), asked for with the annotation `kubehpc.dev/real-node:
 * "true"`: a node selector for its class and a toleration of its taint. A stand-in until
 * ProjectService has placement fields; any other value asks for nothing.
 */
function realNodePlacement(ps: ProjectService): Pick<V1PodSpec, 'nodeSelector' | 'tolerations'> {
  if (ps.metadata?.annotations?.[REAL_NODE_ANNOTATION] !== 'true') return {};
  return {
    nodeSelector: { [NODE_CLASS_LABEL]: REAL_NODE_CLASS },
    tolerations: [{ effect: 'NoSchedule', key: REAL_NODE_TAINT, operator: 'Exists' }],
  };
}

/** Pod-level security: restricted-profile compliant; fsGroup only where a volume needs it. */
function podSecurityContext(provisionedVolume: boolean): V1PodSecurityContext {
  return {
    ...(provisionedVolume ? { fsGroup: DATA_FS_GROUP, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security: nothing to escalate to, no capability kept. */
function containerSecurityContext(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false };
}

function container(ps: ProjectService): V1Container {
  const spec = ps.spec;
  const ports = (spec.ports ?? []).map((p) => ({
    containerPort: p.port,
    name: p.name,
    protocol: p.protocol ?? 'TCP',
  }));
  const env = (spec.env ?? []).map(
    (e): V1EnvVar => (e.value ? { name: e.name, value: e.value } : { name: e.name }),
  );
  const resources = containerResources(ps);
  const mounts = volumeMounts(ps);
  const check = spec.healthCheck;
  return {
    name: nameOf(ps),
    image: spec.image,
    ...(spec.command && spec.command.length > 0 ? { command: [...spec.command] } : {}),
    ...(spec.args && spec.args.length > 0 ? { args: [...spec.args] } : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(resources ? { resources } : {}),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    ...(check ? { livenessProbe: healthProbe(check), readinessProbe: healthProbe(check) } : {}),
    securityContext: containerSecurityContext(),
    // A crash's last log lines become the termination message, which status reports.
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

/**
 * Requests and limits alike (Guaranteed QoS when CPU and memory are both given, which the
 * kubelet's single-NUMA topology policy needs). The hardware hints follow common/names.ts:
 * VFs and local disk as extended resources (requests must equal limits for those), and the
 * placement marker when the extender must see a pod that requests neither.
 */
function containerResources(
  ps: ProjectService,
): { limits: Record<string, string>; requests: Record<string, string> } | undefined {
  const spec = ps.spec;
  const amounts: Record<string, string> = {};
  if (spec.resources?.cpu) amounts.cpu = spec.resources.cpu;
  if (spec.resources?.memory) amounts.memory = spec.resources.memory;
  const vfs = spec.hardware?.sriovVFs ?? 0;
  const disk = spec.hardware?.localDisk;
  if (vfs > 0) amounts[SRIOV_VF_RESOURCE] = String(vfs);
  if (disk) amounts[LOCAL_DISK_RESOURCE] = disk;
  const needsExtender = spec.hardware?.numa === NUMA_POLICY_SINGLE_NODE || spec.core === true;
  if (needsExtender && vfs === 0 && !disk) amounts[PLACEMENT_RESOURCE] = '1';
  if (Object.keys(amounts).length === 0) return undefined;
  const sorted = sortedRecord(amounts);
  return { limits: sorted, requests: { ...sorted } };
}

function podVolumes(ps: ProjectService, options: PodOptions): V1Volume[] {
  const volumes: V1Volume[] = [];
  const names = childNames(ps);
  if (ps.spec.config) {
    volumes.push({ name: CONFIG_VOLUME, configMap: { name: names.configMap } });
  }
  const disk = ps.spec.hardware?.localDisk;
  if (disk) {
    volumes.push(
      options.localDiskStorageClass
        ? {
            name: names.dataVolume,
            // A generic ephemeral volume: one claim per replica (`<pod>-data`), created and
            // deleted with its pod, so "local disk per replica" holds at any replica count.
            ephemeral: {
              volumeClaimTemplate: {
                metadata: { labels: sortedRecord(childLabels(ps, 'storage')) },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: { requests: { storage: disk } },
                  storageClassName: options.localDiskStorageClass,
                },
              },
            },
          }
        : { name: names.dataVolume, emptyDir: { sizeLimit: disk } },
    );
  }
  return volumes;
}

function volumeMounts(ps: ProjectService): V1VolumeMount[] {
  const mounts: V1VolumeMount[] = [];
  if (ps.spec.config) {
    // The whole directory, never subPath: the kubelet then swaps the `..data` symlink
    // atomically on change, so running processes see new files (the paper's read-only
    // mount problem). A subPath mount would pin the old file until the pod restarts.
    mounts.push({ mountPath: ps.spec.config.mountPath, name: CONFIG_VOLUME, readOnly: true });
  }
  if (ps.spec.hardware?.localDisk) {
    mounts.push({ mountPath: DATA_MOUNT_PATH, name: childNames(ps).dataVolume });
  }
  return mounts;
}

/** One probe serves readiness and liveness; zero values Kubernetes omits are left out. */
function healthProbe(check: HealthCheck): V1Probe {
  const handler = check.http
    ? { httpGet: { path: check.http.path ?? '/', port: check.http.port } }
    : { tcpSocket: { port: check.tcp?.port ?? '' } };
  return {
    ...handler,
    failureThreshold: check.failureThreshold ?? 3,
    ...(check.initialDelaySeconds ? { initialDelaySeconds: check.initialDelaySeconds } : {}),
    periodSeconds: check.periodSeconds ?? 10,
    timeoutSeconds: check.timeoutSeconds ?? 1,
  };
}
