// The paper bench's eyes on the cluster, through kube-apiserver: the ProjectService's counts,
// the ready addresses in its Service's EndpointSlices (the load goes straight to the pods: no
// kube-proxy on this platform), and every decision the policy records. The sampler polls
// more often than the controller decides, so no decision leaves the bounded history unseen.

import { API_VERSION, APPS_GROUP, SCALING_GROUP, SERVICE_LABEL } from '../../common/names.ts';
import type { KubeHttp } from '../kube-http.ts';
import type { DecisionRecord, Sample } from './curve.ts';

interface Endpoint {
  addresses?: string[];
  conditions?: { ready?: boolean };
}

/** The ready addresses of the Services that carry the ProjectService's label, sorted. */
export async function readyAddresses(http: KubeHttp, ns: string, service: string): Promise<string[]> {
  const services = (await http.must(
    'GET',
    `/api/v1/namespaces/${ns}/services?labelSelector=${encodeURIComponent(`${SERVICE_LABEL}=${service}`)}`,
  )) as { items?: Array<{ metadata?: { name?: string } }> };
  const out = new Set<string>();
  for (const svc of services.items ?? []) {
    const name = svc.metadata?.name ?? '';
    const slices = (await http.must(
      'GET',
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${name}`)}`,
    )) as { items?: Array<{ endpoints?: Endpoint[] }> };
    for (const slice of slices.items ?? []) {
      for (const endpoint of slice.endpoints ?? []) {
        // An absent ready condition means ready (discovery.k8s.io/v1).
        if (endpoint.conditions?.ready === false) continue;
        for (const address of endpoint.addresses ?? []) out.add(address);
      }
    }
  }
  return [...out].sort();
}

export class Observer {
  readonly samples: Sample[] = [];
  readonly decisions = new Map<string, DecisionRecord>();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  readonly #http: KubeHttp;
  readonly #ns: string;
  readonly #service: string;
  readonly #policy: string;

  constructor(http: KubeHttp, ns: string, service: string, policy: string) {
    this.#http = http;
    this.#ns = ns;
    this.#service = service;
    this.#policy = policy;
  }

  /** Takes one sample now. */
  async sample(): Promise<Sample> {
    const base = `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/${this.#ns}`;
    const ps = (await this.#http.must('GET', `${base}/projectservices/${this.#service}`)) as {
      spec?: { replicas?: number };
      status?: { readyReplicas?: number };
    };
    const policy = await this.#http.call(
      'GET',
      `/apis/${SCALING_GROUP}/${API_VERSION}/namespaces/${this.#ns}/scalingpolicies/${this.#policy}`,
    );
    const status = (policy.status === 200 ? policy.json.status : undefined) as
      | { lastDecision?: DecisionRecord; history?: DecisionRecord[] }
      | undefined;
    for (const d of [...(status?.history ?? []), ...(status?.lastDecision ? [status.lastDecision] : [])]) {
      if (!this.decisions.has(d.id)) this.decisions.set(d.id, d);
    }
    const utilization = status?.lastDecision?.rules?.find((r) => r.name === 'cpu')?.value;
    const sample: Sample = {
      atMs: Date.now(),
      replicas: ps.spec?.replicas ?? 0,
      ready: ps.status?.readyReplicas ?? 0,
      endpoints: (await readyAddresses(this.#http, this.#ns, this.#service)).length,
      ...(utilization === undefined ? {} : { utilization }),
    };
    this.samples.push(sample);
    return sample;
  }

  /** Samples every `intervalMs` until stop(); a slow sample delays the next, never overlaps. */
  start(intervalMs: number, onSample: (s: Sample) => void): void {
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.sample()
        .then(onSample, (error: Error) => console.error(`  sample failed: ${error.message}`))
        .finally(() => {
          this.#busy = false;
        });
    }, intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
