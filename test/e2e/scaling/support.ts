// What the scaling e2e tests share: ProjectService and ScalingPolicy objects through the
// admin client, reading them back, and waiting on their fields.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, PatchStrategy, type V1Pod } from '@kubernetes/client-node';
import { API_VERSION, APPS_GROUP, SCALING_GROUP, SERVICE_LABEL } from '../../../common/names.ts';
import { adminKubeConfig, eventually, objects, platform } from '../../support/cluster.ts';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Decision {
  id: string;
  from: number;
  to: number;
  reason?: string;
  winner?: { policy?: string; rule?: string };
  clamps?: Array<{ kind: string; from: number; to: number }>;
  rules?: Array<{ name: string; value?: number; desiredReplicas?: number; error?: string; active?: boolean }>;
}

export interface PolicyStatus {
  lastDecision?: Decision;
  history?: Decision[];
  conditions?: Condition[];
}

export async function createService(ns: string, name: string, replicas: number, cpu = '100m'): Promise<void> {
  await objects().create({
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: 'ProjectService',
    metadata: { name, namespace: ns },
    spec: { image: `registry.example/${name}:1`, replicas, resources: { cpu, memory: '64Mi' } },
  } as never);
}

export async function createPolicy(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await objects().create({
    apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
    kind: 'ScalingPolicy',
    metadata: { name, namespace: ns },
    spec,
  } as never);
}

interface ServiceObject {
  metadata: { annotations?: Record<string, string> };
  spec: { replicas: number };
}

export async function service(ns: string, name: string): Promise<ServiceObject> {
  return (await objects().read({
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: 'ProjectService',
    metadata: { name, namespace: ns },
  })) as unknown as ServiceObject;
}

export async function policyStatus(ns: string, name: string): Promise<PolicyStatus> {
  const o = (await objects().read({
    apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
    kind: 'ScalingPolicy',
    metadata: { name, namespace: ns },
  })) as unknown as { status?: PolicyStatus };
  return o.status ?? {};
}

export function replicasReach(ns: string, name: string, want: number, timeoutMs = 90_000): Promise<true> {
  return eventually(
    `${ns}/${name} replicas = ${want}`,
    async () => ((await service(ns, name)).spec.replicas === want ? true : undefined),
    timeoutMs,
  );
}

export function conditionIs(
  ns: string,
  policy: string,
  type: string,
  status: string,
  timeoutMs = 60_000,
): Promise<Condition> {
  return eventually(
    `${ns}/${policy} condition ${type}=${status}`,
    async () => {
      const c = (await policyStatus(ns, policy)).conditions?.find((x) => x.type === type);
      return c?.status === status ? c : undefined;
    },
    timeoutMs,
  );
}

/** The controllers' log of the local platform, where each decision is one JSON line. */
export function controllersLog(): Promise<string> {
  return readFile(join(platform.logDir, 'kubehpc-controllers.log'), 'utf8');
}

/** Events about an object, newest last. */
export async function eventsAbout(
  ns: string,
  kind: string,
  name: string,
): Promise<Array<{ reason: string; message: string }>> {
  const list = (await objects().list('v1', 'Event', ns)) as unknown as {
    items: Array<{ reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } }>;
  };
  return list.items
    .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
    .map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

/** The service's running pods that are not being deleted. */
export async function servicePods(ns: string, name: string): Promise<V1Pod[]> {
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const list = await core.listNamespacedPod({ namespace: ns, labelSelector: `${SERVICE_LABEL}=${name}` });
  return list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
}

/**
 * Sets (or with null removes) kwok's simulated usage annotation (usage-cpu or usage-memory)
 * on each pod; metrics-server serves it as the pod's metrics.
 */
export async function setUsage(
  ns: string,
  pods: V1Pod[],
  annotation: string,
  value: string | null,
): Promise<void> {
  for (const pod of pods) {
    await objects().patch(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod.metadata?.name ?? '', namespace: ns, annotations: { [annotation]: value } },
      } as never,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
  }
}

/**
 * The value of one series on the controllers' /metrics (Prometheus text), 0 when absent: e.g.
 * `kubehpc_scaling_decisions_total{direction="up",reason="Rules"}`.
 */
export async function controllerMetric(series: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${platform.ports.kubehpcControllers}/metrics`);
  if (!response.ok) throw new Error(`controllers /metrics: HTTP ${response.status}`);
  const line = (await response.text()).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
