// Registering the API server with kube-apiserver's aggregation layer on the local platform:
// the kubehpc-system namespace, an ExternalName Service pointing at localhost, and one
// APIService per group. No kube-proxy runs locally, so kube-apiserver runs without
// --enable-aggregator-routing: its cluster resolver sends an ExternalName Service straight to
// the external name and the APIService's port, which keeps every hop on loopback (endpoint
// routing would refuse ExternalName, and EndpointSlices may not name loopback addresses).
// The aggregator verifies the server as <service>.<namespace>.svc, which the serving
// certificate names. An APIService that is not Available breaks discovery for every client and
// blocks namespace deletion cluster-wide, so registration happens only after the server has
// answered discovery several times in a row, and is rolled back if the aggregator does not
// report Available in time.

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { APISERVER_SERVICE, SYSTEM_NAMESPACE } from '../../../common/names.ts';
import { STRATEGIES } from '../registry/served.ts';

const FIELD_MANAGER = 'kubehpc-platform';

export interface LocalRegistration {
  /** Port the server listens on, on loopback. */
  port: number;
  /** PEM of the CA that signed the serving certificate. */
  caBundle: string;
}

/** The groups served, each with its version: one APIService each. */
export function servedGroupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, string>();
  for (const s of STRATEGIES) seen.set(s.definition.group, s.definition.version);
  return [...seen].map(([group, version]) => ({ group, version }));
}

export function apiServiceName(gv: { group: string; version: string }): string {
  return `${gv.version}.${gv.group}`;
}

/** The objects that register the server. Pure. */
export function registrationObjects(r: LocalRegistration): KubernetesObject[] {
  const labels = { 'app.kubernetes.io/part-of': 'kubehpc', 'app.kubernetes.io/component': 'apiserver' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE, labels } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: APISERVER_SERVICE, namespace: SYSTEM_NAMESPACE, labels },
      spec: { type: 'ExternalName', externalName: 'localhost' },
    } as KubernetesObject,
    ...servedGroupVersions().map(
      (gv) =>
        ({
          apiVersion: 'apiregistration.k8s.io/v1',
          kind: 'APIService',
          metadata: { name: apiServiceName(gv), labels },
          spec: {
            group: gv.group,
            version: gv.version,
            service: { name: APISERVER_SERVICE, namespace: SYSTEM_NAMESPACE, port: r.port },
            caBundle: Buffer.from(r.caBundle).toString('base64'),
            groupPriorityMinimum: 1000,
            versionPriority: 15,
          },
        }) as KubernetesObject,
    ),
  ];
}

export interface DiscoveryProbe {
  port: number;
  caFile: string;
  /** A client certificate the server accepts and RBAC allows discovery for. */
  certFile: string;
  keyFile: string;
}

function discoveryAnswers(p: DiscoveryProbe, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: p.port,
        path,
        method: 'GET',
        ca: readFileSync(p.caFile),
        cert: readFileSync(p.certFile),
        key: readFileSync(p.keyFile),
        timeout: 3000,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => {
          try {
            const list = JSON.parse(body) as { resources?: unknown[] };
            resolve(res.statusCode === 200 && (list.resources?.length ?? 0) > 0);
          } catch {
            resolve(false);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** True once every group's discovery answered non-empty `times` times in a row. */
export async function servesDiscovery(p: DiscoveryProbe, times = 3, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  while (Date.now() < deadline) {
    const all = await Promise.all(
      servedGroupVersions().map((gv) => discoveryAnswers(p, `/apis/${gv.group}/${gv.version}`)),
    );
    streak = all.every(Boolean) ? streak + 1 : 0;
    if (streak >= times) return true;
    await sleep(200);
  }
  return false;
}

interface Conditions {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

interface Availability {
  name: string;
  ok: boolean;
  detail: string;
}

async function availability(client: KubernetesObjectApi, names: string[]): Promise<Availability[]> {
  return Promise.all(
    names.map(async (name) => {
      try {
        const svc = (await client.read({
          apiVersion: 'apiregistration.k8s.io/v1',
          kind: 'APIService',
          metadata: { name },
        })) as Conditions;
        const available = svc.status?.conditions?.find((c) => c.type === 'Available');
        return {
          name,
          ok: available?.status === 'True',
          detail: `${available?.reason ?? ''} ${available?.message ?? ''}`.trim(),
        };
      } catch (error) {
        return { name, ok: false, detail: String((error as Error).message).slice(0, 200) };
      }
    }),
  );
}

/** True when every APIService of the server exists and the aggregator calls it Available. */
export async function registered(kc: KubeConfig): Promise<boolean> {
  const states = await availability(
    KubernetesObjectApi.makeApiClient(kc),
    servedGroupVersions().map(apiServiceName),
  );
  return states.every((s) => s.ok);
}

/**
 * Applies the registration once the server reliably serves discovery, and waits for the
 * aggregator to call every APIService Available; otherwise removes them again and throws.
 */
export async function registerLocal(
  kc: KubeConfig,
  r: LocalRegistration,
  probe: DiscoveryProbe,
  log: (line: string) => void,
  timeoutMs = 60_000,
): Promise<void> {
  if (!(await servesDiscovery(probe))) {
    throw new Error(
      `kubehpc-apiserver does not serve discovery on port ${r.port}: not registering its APIServices`,
    );
  }
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of registrationObjects(r)) {
    await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
  const names = servedGroupVersions().map(apiServiceName);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const states = await availability(client, names);
    if (states.every((s) => s.ok)) {
      log(`registered APIServices ${names.join(', ')} (Available)`);
      return;
    }
    last = states
      .filter((s) => !s.ok)
      .map((s) => `${s.name}: ${s.detail}`)
      .join('; ');
    await sleep(250);
  }
  for (const name of names) {
    await client
      .delete({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name } })
      .catch(() => undefined);
  }
  throw new Error(`APIServices did not become Available (${last}); removed them so discovery keeps working`);
}
