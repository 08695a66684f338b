// Installing kubehpc's manifests into the local platform: the `local` Kustomize overlay
// (manifests/overlays/local) — the namespaces, the NodeResourceTopology CRD, every program's
// RBAC, the project roles and the APIServices a real cluster gets — completed by a
// kustomization in .local/manifests with what only this platform knows (the API server's
// loopback port and the CA that signed its serving certificate), rendered by the pinned
// kubectl and server-side applied.
//
// The APIServices go in last and carefully: one that is not Available breaks discovery for
// every client and blocks namespace deletion cluster-wide, so they are applied only after the
// server has answered discovery several times in a row, and removed again if the aggregator
// does not call them Available in time.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import type { Layout } from './layout.ts';

const run = promisify(execFile);

const FIELD_MANAGER = 'kubehpc-platform';

/** The overlay `npm run up` installs, relative to the repository root. */
export const LOCAL_OVERLAY = join('manifests', 'overlays', 'local');

/**
 * The kustomization written to .local/manifests: the local overlay plus the APIServices'
 * port and caBundle. Pure.
 */
export function localKustomization(overlayFromHere: string, port: number, caPem: string): string {
  const patch = [
    { op: 'add', path: '/spec/caBundle', value: Buffer.from(caPem).toString('base64') },
    { op: 'replace', path: '/spec/service/port', value: port },
  ];
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [overlayFromHere],
    patches: [
      { target: { group: 'apiregistration.k8s.io', kind: 'APIService' }, patch: JSON.stringify(patch) },
    ],
  });
}

/** Order of application: what others live in or refer to goes first. */
const KIND_ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'Role'];

/** The rendered overlay split into what is applied at once and the APIServices. Pure. */
export function splitRegistration(objects: KubernetesObject[]): {
  foundation: KubernetesObject[];
  apiServices: KubernetesObject[];
} {
  const rank = (o: KubernetesObject) => {
    const i = KIND_ORDER.indexOf(o.kind ?? '');
    return i === -1 ? KIND_ORDER.length : i;
  };
  return {
    foundation: objects.filter((o) => o.kind !== 'APIService').sort((a, b) => rank(a) - rank(b)),
    apiServices: objects.filter((o) => o.kind === 'APIService'),
  };
}

/** Renders the local overlay for this platform with the pinned kubectl. */
export async function renderLocalOverlay(l: Layout, kubectl: string): Promise<KubernetesObject[]> {
  const dir = join(l.localDir, 'manifests');
  await mkdir(dir, { recursive: true });
  const caPem = readFileSync(join(l.pkiDir, 'ca.crt'), 'utf8');
  await writeFile(
    join(dir, 'kustomization.yaml'),
    localKustomization(relative(dir, join(l.repoRoot, LOCAL_OVERLAY)), l.ports.kubehpcApiserver, caPem),
  );
  const { stdout } = await run(kubectl, ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

/** Server-side applies the objects in order, as the platform's field manager. */
export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const object of objects) {
    await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
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

/** The group/version each APIService registers. */
function groupVersion(apiService: KubernetesObject): string {
  const spec = (apiService as { spec?: { group?: string; version?: string } }).spec;
  return `${spec?.group}/${spec?.version}`;
}

/** True once every group's discovery answered non-empty `times` times in a row. */
async function servesDiscovery(
  p: DiscoveryProbe,
  groupVersions: string[],
  times = 3,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  while (Date.now() < deadline) {
    const all = await Promise.all(groupVersions.map((gv) => discoveryAnswers(p, `/apis/${gv}`)));
    streak = all.every(Boolean) ? streak + 1 : 0;
    if (streak >= times) return true;
    await sleep(200);
  }
  return false;
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
        })) as {
          status?: {
            conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
          };
        };
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

/** True when every given APIService exists and the aggregator calls it Available. */
export async function registered(kc: KubeConfig, apiServices: KubernetesObject[]): Promise<boolean> {
  const names = apiServices.map((a) => a.metadata?.name ?? '');
  const states = await availability(KubernetesObjectApi.makeApiClient(kc), names);
  return states.every((s) => s.ok);
}

/**
 * Applies the APIServices once the server reliably serves discovery for each, and waits for
 * the aggregator to call every one Available; otherwise removes them again and throws.
 */
export async function register(
  kc: KubeConfig,
  apiServices: KubernetesObject[],
  probe: DiscoveryProbe,
  log: (line: string) => void,
  timeoutMs = 60_000,
): Promise<void> {
  if (!(await servesDiscovery(probe, apiServices.map(groupVersion)))) {
    throw new Error(
      `kubehpc-apiserver does not serve discovery on port ${probe.port}: not registering its APIServices`,
    );
  }
  await applyObjects(kc, apiServices);
  const client = KubernetesObjectApi.makeApiClient(kc);
  const names = apiServices.map((a) => a.metadata?.name ?? '');
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
