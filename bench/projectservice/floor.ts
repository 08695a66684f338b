// The floor under a ProjectService burst on this machine: the very children our controller
// would apply for each service (render.ts: a Deployment and a Service), applied straight to
// kube-apiserver with server-side apply — no ProjectService, no aggregated API, no controller —
// as many services at once, each service's children in order as a worker applies them, with
// the controller's concurrency. Timed to every Deployment reporting its replica ready. What
// the ProjectService burst takes above this is ours (our API server, controller and status);
// the floor itself is kube-apiserver, kube-controller-manager, kube-scheduler and kwok.

import { render } from '../../apiserver/src/controllers/projectservice/render.ts';
import type { ProjectService } from '../../common/apis/apps/v1alpha1/types.ts';
import { API_VERSION, APPS_GROUP } from '../../common/names.ts';
import type { KubeHttp } from '../kube-http.ts';

const POLL_MS = 100;
const TIMEOUT_MS = 600_000;

interface Child {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; ownerReferences?: unknown };
}

const plural: Record<string, string> = {
  Deployment: 'deployments',
  Service: 'services',
  ConfigMap: 'configmaps',
};

function childPath(c: Child): string {
  const group = c.apiVersion === 'v1' ? '/api/v1' : `/apis/${c.apiVersion}`;
  const kind = Object.hasOwn(plural, c.kind ?? '') ? plural[c.kind as string] : undefined;
  if (!kind) throw new Error(`no path for ${c.kind}`);
  return `${group}/namespaces/${c.metadata?.namespace}/${kind}/${c.metadata?.name}?fieldManager=kubehpc-bench-floor&force=true`;
}

/** The children of a one-replica service like the burst's, without an owner to collect them. */
function childrenOf(ns: string, name: string, spec: ProjectService['spec']): Child[] {
  const ps = {
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: 'ProjectService',
    metadata: {
      name,
      namespace: ns,
      uid: `00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
      generation: 1,
    },
    spec,
  } as ProjectService;
  const c = render(ps);
  return [c.configMap, c.service, c.deployment]
    .filter((x): x is NonNullable<typeof x> => x !== undefined)
    .map((x) => {
      const { ownerReferences: _owned, ...metadata } = (x as Child).metadata ?? {};
      return { ...(x as Child), metadata };
    });
}

export async function childrenFloor(
  http: KubeHttp,
  ns: string,
  names: string[],
  spec: ProjectService['spec'],
  concurrency: number,
): Promise<{ services: number; appliedMs: number; allReadyMs: number }> {
  const start = performance.now();
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      for (const child of childrenOf(ns, name, spec))
        await http.must('PATCH', childPath(child), child, 'application/apply-patch+yaml');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const appliedMs = performance.now() - start;
  for (;;) {
    const list = (await http.call('GET', `/apis/apps/v1/namespaces/${ns}/deployments`)).json as {
      items?: Array<{ status?: { readyReplicas?: number } }>;
    };
    const ready = (list.items ?? []).filter((d) => (d.status?.readyReplicas ?? 0) >= 1).length;
    if (ready >= names.length) break;
    if (performance.now() - start > TIMEOUT_MS) throw new Error(`only ${ready}/${names.length} ready`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    services: names.length,
    appliedMs: Math.round(appliedMs),
    allReadyMs: Math.round(performance.now() - start),
  };
}
