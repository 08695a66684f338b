// A ProjectService's status, computed from what really runs: its Deployment (status,
// conditions, generation), its live ConfigMap, its pods when the loop has them, and an apply
// error the loop could not get past. Pure: the clock is an argument. The loop computes status
// after applying the children, so the Deployment it passes carries the current spec.
//
// Phase, first rule that holds wins:
//   Failed       the loop cannot apply the spec (applyError: forbidden, invalid, over quota);
//                or the rollout exceeded its progress deadline (ProgressDeadlineExceeded);
//                or pods cannot be created (Deployment ReplicaFailure) and none is available.
//   Pending      no Deployment yet; or desired > 0, nothing available and no pod on a node
//                (without pods: no pod created yet).
//   Degraded     pods cannot be created (ReplicaFailure) but some are available; or the
//                rollout of the current spec completed earlier and fewer than desired are
//                available now (a crash, a lost node).
//   Running      every desired replica runs the current spec and is available (0/0 included).
//   Progressing  otherwise: a rollout or a scale is under way.
// While not Running, the reason and message name the most telling pod problem (image pull,
// crash loop, unschedulable with the scheduler's message), so `why` is one read away.
//
// Conditions (type, status, reason, message, lastTransitionTime kept while status holds):
//   Ready          True iff phase is Running (`kubectl wait --for=condition=Ready`).
//   Available      the Deployment's own minimum-availability verdict.
//   Progressing    True while a rollout is under way; False with RolloutComplete when done, or
//                  with ProgressDeadlineExceeded when it stalled.
//   ConfigApplied  only with spec.config: the ConfigMap holds the spec's files and, for
//                  onChange: Restart, every replica has restarted onto them.
//   Exposed        only when a port asks for NodePort, Ingress or HTTPRoute (exposure.ts).

import type { V1ConfigMap, V1Deployment, V1DeploymentCondition, V1Pod } from '@kubernetes/client-node';
import type {
  ProjectService,
  ProjectServicePhase,
  ProjectServiceStatus,
} from '../../../../common/apis/apps/v1alpha1/types.ts';
import type { Condition } from '../../../../common/apis/meta/types.ts';
import { conditionMessage, conditionReason, conditionStatus, mergeConditions } from '../conditions.ts';
import { endpoints, exposedCondition, type ObservedExposure } from './exposure.ts';
import { nameOf, namespaceOf, selectorString } from './identity.ts';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod.ts';
import { byCodePoint, sortedRecord } from './sorted.ts';

export const CONDITION_TYPES = ['Ready', 'Available', 'Progressing', 'ConfigApplied', 'Exposed'] as const;

/** Longest condition message the API accepts. */

export interface ApplyError {
  /** A metav1.Status reason, e.g. Forbidden, Invalid. */
  reason: string;
  message: string;
}

export interface Observed {
  /** The live Deployment, undefined when it does not exist. */
  deployment?: V1Deployment | undefined;
  /** The live ConfigMap, undefined when it does not exist. */
  configMap?: V1ConfigMap | undefined;
  /** The service's pods, if the loop lists them; they only sharpen reasons and messages. */
  pods?: readonly V1Pod[] | undefined;
  /** Why the last apply failed, for errors retrying will not cure (not conflicts). */
  applyError?: ApplyError | undefined;
  /** The live NodePort Service, Ingress and HTTPRoute, and what the cluster refused. */
  exposure?: ObservedExposure | undefined;
}

interface Verdict {
  phase: ProjectServicePhase;
  reason: string;
  message: string;
}

/** Container waiting reasons that mean the replica will not start without a change. */
const STUCK_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'ErrImageNeverPull',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'RunContainerError',
]);

interface PodProblem {
  reason: string;
  message: string;
}

export function computeStatus(ps: ProjectService, observed: Observed, now: Date): ProjectServiceStatus {
  const desired = ps.spec.replicas ?? 1;
  const d = observed.deployment;
  const ds = d?.status ?? {};
  const facts = rolloutFacts(ps, d);
  const verdict = phaseOf(desired, observed, facts);
  const generation = ps.metadata.generation;
  const next: Array<Omit<Condition, 'lastTransitionTime'>> = [
    verdict.phase === 'Running'
      ? { type: 'Ready', status: 'True', reason: verdict.reason, message: verdict.message }
      : { type: 'Ready', status: 'False', reason: verdict.reason, message: verdict.message },
    availableCondition(d),
    progressingCondition(observed, facts, desired),
  ];
  const config = configCondition(ps, observed, facts);
  if (config) next.push(config);
  const exposure = observed.exposure ?? { problems: [] };
  const serving = endpoints(ps, exposure);
  const exposedNow = exposedCondition(ps, exposure, serving);
  if (exposedNow) next.push(exposedNow);
  const conditions = mergeConditions(
    ps.status?.conditions ?? [],
    next.map((c) => ({
      ...c,
      message: conditionMessage(c.message),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    })),
    CONDITION_TYPES,
    now,
  );
  const firstPort = ps.spec.ports?.[0];
  return {
    phase: verdict.phase,
    replicas: ds.replicas ?? 0,
    readyReplicas: ds.readyReplicas ?? 0,
    updatedReplicas: ds.updatedReplicas ?? 0,
    availableReplicas: ds.availableReplicas ?? 0,
    selector: selectorString(ps),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(firstPort ? { endpoint: `${nameOf(ps)}.${namespaceOf(ps)}.svc:${firstPort.port}` } : {}),
    ...(serving.length > 0 ? { endpoints: serving } : {}),
    conditions,
  };
}

interface RolloutFacts {
  /** Every desired replica runs the current spec, and no other replica is left. */
  rolledOut: boolean;
  available: number;
  deadline: V1DeploymentCondition | undefined;
  replicaFailure: V1DeploymentCondition | undefined;
  /** The Deployment controller last reported a completed rollout. */
  completedBefore: boolean;
}

function rolloutFacts(ps: ProjectService, d: V1Deployment | undefined): RolloutFacts {
  const desired = ps.spec.replicas ?? 1;
  const ds = d?.status ?? {};
  const observedLatest = d !== undefined && (ds.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
  const progressing = deploymentCondition(d, 'Progressing');
  const failure = deploymentCondition(d, 'ReplicaFailure');
  return {
    rolledOut:
      observedLatest &&
      d?.spec?.replicas === desired &&
      (ds.updatedReplicas ?? 0) === desired &&
      (ds.replicas ?? 0) === desired,
    available: ds.availableReplicas ?? 0,
    deadline:
      progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded'
        ? progressing
        : undefined,
    replicaFailure: failure?.status === 'True' ? failure : undefined,
    completedBefore: progressing?.reason === 'NewReplicaSetAvailable',
  };
}

function phaseOf(desired: number, observed: Observed, facts: RolloutFacts): Verdict {
  const d = observed.deployment;
  const problem = podProblem(observed.pods ?? []);
  const detail = problem ? `: ${problem.message}` : '';
  if (observed.applyError) {
    return {
      phase: 'Failed',
      reason: conditionReason(observed.applyError.reason),
      message: observed.applyError.message,
    };
  }
  if (!d) return { phase: 'Pending', reason: 'Creating', message: 'the Deployment does not exist yet' };
  if (facts.deadline) {
    return {
      phase: 'Failed',
      reason: 'ProgressDeadlineExceeded',
      message: `${facts.deadline.message ?? 'the rollout made no progress'}${detail}`,
    };
  }
  if (facts.replicaFailure) {
    return {
      phase: facts.available === 0 && desired > 0 ? 'Failed' : 'Degraded',
      reason: conditionReason(facts.replicaFailure.reason ?? 'ReplicaFailure'),
      message: facts.replicaFailure.message ?? 'replicas cannot be created',
    };
  }
  const counts = `${facts.available}/${desired} replicas available`;
  if (facts.rolledOut && facts.available >= desired) {
    return { phase: 'Running', reason: 'AllReplicasReady', message: counts };
  }
  if (facts.rolledOut && facts.completedBefore) {
    return {
      phase: 'Degraded',
      reason: problem?.reason ?? 'ReplicasUnavailable',
      message: `${counts}${detail}`,
    };
  }
  // Without the pods, "some pod exists" is the best sign that placement has begun.
  const placed =
    observed.pods === undefined
      ? (d.status?.replicas ?? 0) > 0
      : observed.pods.some((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp);
  if (desired > 0 && facts.available === 0 && !placed) {
    return {
      phase: 'Pending',
      reason: problem?.reason ?? 'Scheduling',
      message: `no replica is placed yet${detail}`,
    };
  }
  return {
    phase: 'Progressing',
    reason: problem?.reason ?? 'RolloutInProgress',
    message: `${counts}${detail}`,
  };
}

/** The most telling problem among the pods: a stuck container first, then placement. */
export function podProblem(pods: readonly V1Pod[]): PodProblem | undefined {
  const live = pods
    .filter((p) => !p.metadata?.deletionTimestamp)
    .sort((a, b) => byCodePoint(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  const found: PodProblem[] = [];
  for (const pod of live) {
    const name = pod.metadata?.name ?? '';
    for (const c of [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ]) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || !STUCK_WAITING_REASONS.has(waiting.reason)) continue;
      const last = c.lastState?.terminated;
      const lastText = last
        ? `; last exit: ${last.reason ?? 'Error'} (exit code ${last.exitCode})${last.message ? `: ${last.message.trim()}` : ''}`
        : '';
      found.push({
        reason: waiting.reason,
        message: `pod ${name}: container ${c.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}${lastText}`,
      });
    }
  }
  if (found.length === 0) {
    for (const pod of live) {
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (scheduled?.status === 'False' && !pod.spec?.nodeName) {
        found.push({
          reason: scheduled.reason ?? 'Unschedulable',
          message: `pod ${pod.metadata?.name ?? ''}: ${scheduled.reason ?? 'Unschedulable'}${scheduled.message ? `: ${scheduled.message}` : ''}`,
        });
      }
    }
  }
  const first = found[0];
  if (!first) return undefined;
  const more = found.length - 1;
  return more > 0 ? { ...first, message: `${first.message} (and ${more} more)` } : first;
}

function availableCondition(d: V1Deployment | undefined): Omit<Condition, 'lastTransitionTime'> {
  if (!d)
    return {
      type: 'Available',
      status: 'False',
      reason: 'NoDeployment',
      message: 'the Deployment does not exist yet',
    };
  const c = deploymentCondition(d, 'Available');
  if (!c) {
    return {
      type: 'Available',
      status: 'Unknown',
      reason: 'NotObserved',
      message: 'the Deployment controller has not reported availability yet',
    };
  }
  return {
    type: 'Available',
    status: conditionStatus(c.status),
    reason: conditionReason(c.reason ?? 'Unknown'),
    message: c.message ?? '',
  };
}

function progressingCondition(
  observed: Observed,
  facts: RolloutFacts,
  desired: number,
): Omit<Condition, 'lastTransitionTime'> {
  const d = observed.deployment;
  if (!d) {
    return observed.applyError
      ? {
          type: 'Progressing',
          status: 'False',
          reason: conditionReason(observed.applyError.reason),
          message: observed.applyError.message,
        }
      : { type: 'Progressing', status: 'True', reason: 'Creating', message: 'creating the Deployment' };
  }
  if (facts.deadline) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: facts.deadline.message ?? 'the rollout made no progress',
    };
  }
  if (facts.rolledOut) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'RolloutComplete',
      message: `${desired} replicas run the current spec`,
    };
  }
  return {
    type: 'Progressing',
    status: 'True',
    reason: 'RolloutInProgress',
    message: `${d.status?.updatedReplicas ?? 0}/${desired} replicas updated, ${facts.available} available`,
  };
}

function configCondition(
  ps: ProjectService,
  observed: Observed,
  facts: RolloutFacts,
): Omit<Condition, 'lastTransitionTime'> | undefined {
  const config = ps.spec.config;
  if (!config) return undefined;
  const cm = observed.configMap;
  const base = { type: 'ConfigApplied' } as const;
  if (!cm)
    return {
      ...base,
      status: 'False',
      reason: 'ConfigMapMissing',
      message: 'the ConfigMap does not exist yet',
    };
  if (!sameFiles(cm.data ?? {}, config.files ?? {})) {
    return {
      ...base,
      status: 'False',
      reason: 'ConfigMapOutOfDate',
      message: 'the ConfigMap does not hold the current files yet',
    };
  }
  if (config.onChange !== 'Restart') {
    return {
      ...base,
      status: 'True',
      reason: 'FilesPublished',
      message:
        'running replicas see the current files within the kubelet sync period (about a minute), without a restart',
    };
  }
  const hash = observed.deployment?.spec?.template?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
  if (hash !== configHash(config) || !facts.rolledOut) {
    return {
      ...base,
      status: 'False',
      reason: 'RollingRestart',
      message: 'replicas are restarting onto the current files',
    };
  }
  return {
    ...base,
    status: 'True',
    reason: 'ReplicasRestarted',
    message: 'every replica started with the current files',
  };
}

function deploymentCondition(d: V1Deployment | undefined, type: string): V1DeploymentCondition | undefined {
  return d?.status?.conditions?.find((c) => c.type === type);
}

function sameFiles(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return JSON.stringify(sortedRecord(a)) === JSON.stringify(sortedRecord(b));
}
