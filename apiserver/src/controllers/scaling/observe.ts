// The scaling controller's observe step for one service: per policy, what each rule reads —
// pod usage from metrics.k8s.io (fetched once per evaluation, whichever rules need it),
// a Prometheus query at the policy's resolved address — and, when a policy has a capacity
// guard, the node view it counts. Failures become observations (`failed`), never throws:
// the decision says what it could not see.

import type { CustomObjectsApi, KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ScalingPolicy } from '../../../../common/apis/scaling/v1alpha1/types.ts';
import { SERVICE_LABEL } from '../../../../common/names.ts';
import { apiFailure } from '../errors.ts';
import { EMPTY_MEMORY, type PolicyMemory } from './behavior.ts';
import { capacityView } from './capacity-view.ts';
import type { ScalingMetrics } from './metrics.ts';
import type { RuleObservation } from './observations.ts';
import type { PolicyInput } from './policy.ts';
import { usageSamples } from './sources/podmetrics.ts';
import { podState } from './sources/pods.ts';
import type { PrometheusClient } from './sources/prometheus.ts';
import { resolvePrometheusAddress } from './sources/prometheus-address.ts';

export type Policy = ScalingPolicy & KubernetesObject;

type Fetched = { ok: true; list: unknown } | { ok: false; error: string };

/** What observing reads: the clients, the informers' caches and the policies' memory. */
export interface ObserveSources {
  custom: CustomObjectsApi;
  prometheus: PrometheusClient;
  /** Default Prometheus HTTP API address; a policy may set its own. */
  prometheusUrl: string | undefined;
  /** Canonical addresses a policy's spec.prometheusAddress may name. */
  prometheusAllowed: readonly string[];
  scaling: ScalingMetrics;
  nodes(): readonly V1Node[];
  allPods(): readonly V1Pod[];
  topologies(): readonly KubernetesObject[];
  memory(policyKey: string): PolicyMemory | undefined;
}

/** One input per policy (in the order given), for decideService. */
export async function observe(
  sources: ObserveSources,
  namespace: string,
  name: string,
  policies: readonly Policy[],
  pods: readonly V1Pod[],
  current: number,
  nowMs: number,
): Promise<PolicyInput[]> {
  const states = pods.map(podState);
  let podMetrics: Promise<Fetched> | undefined;
  const metricsFor = () => {
    podMetrics ??= fetchPodMetrics(sources, namespace, name);
    return podMetrics;
  };
  const needsCapacity = policies.some((p) => p.spec.capacityGuard !== undefined);
  const capacity = needsCapacity
    ? capacityView(
        sources.nodes(),
        sources.allPods(),
        pods,
        current,
        new Map(sources.topologies().map((nrt) => [nrt.metadata?.name ?? '', nrt])),
      )
    : undefined;
  const inputs: PolicyInput[] = [];
  for (const p of policies) {
    const observations = new Map<string, RuleObservation>();
    await Promise.all(
      p.spec.rules.map(async (rule) => {
        if (rule.resource) {
          const fetched = await metricsFor();
          observations.set(
            rule.name,
            fetched.ok
              ? { kind: 'resource', pods: states, usage: usageSamples(fetched.list, rule.resource.name) }
              : { kind: 'failed', error: fetched.error },
          );
        } else if (rule.prometheus) {
          observations.set(rule.name, await query(sources, p, rule.prometheus.query, nowMs));
        }
      }),
    );
    const policyName = p.metadata?.name ?? '';
    inputs.push({
      name: policyName,
      spec: p.spec,
      observations,
      memory: sources.memory(`${namespace}/${policyName}`) ?? EMPTY_MEMORY,
      ...(capacity ? { capacity } : {}),
    });
  }
  return inputs;
}

async function fetchPodMetrics(sources: ObserveSources, namespace: string, name: string): Promise<Fetched> {
  const end = sources.scaling.fetch.startTimer({ source: 'metrics.k8s.io' });
  try {
    const list = await sources.custom.listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace,
      plural: 'pods',
      labelSelector: `${SERVICE_LABEL}=${name}`,
    });
    return { ok: true, list };
  } catch (error) {
    sources.scaling.fetchErrors.inc({ source: 'metrics.k8s.io' });
    const failure = apiFailure(error);
    const error_ =
      failure.code === 404
        ? 'the metrics API (metrics.k8s.io) is not served: is metrics-server running and registered?'
        : `the metrics API failed: ${failure.reason}: ${failure.message}`;
    return { ok: false, error: error_ };
  } finally {
    end();
  }
}

async function query(
  sources: ObserveSources,
  p: Policy,
  text: string,
  nowMs: number,
): Promise<RuleObservation> {
  const resolved = resolvePrometheusAddress(
    p.spec.prometheusAddress,
    sources.prometheusUrl,
    sources.prometheusAllowed,
  );
  if (!resolved.ok) return { kind: 'failed', error: resolved.error };
  const end = sources.scaling.fetch.startTimer({ source: 'prometheus' });
  const result = await sources.prometheus.query(resolved.address, text, nowMs);
  end();
  if (!result.ok) {
    sources.scaling.fetchErrors.inc({ source: 'prometheus' });
    return { kind: 'failed', error: result.error };
  }
  return { kind: 'prometheus', value: result.value };
}
