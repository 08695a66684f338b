// Reconciles that change nothing: once the controller has been idle for a second, every
// service of the burst is touched (an annotation the controller does not read), which queues
// one reconcile each; once the controller has run them, its children and statuses are
// compared with before. Measures the mean reconcile time
// from the controller's histogram and counts the objects those reconciles wrote.

import { API_VERSION, APPS_GROUP } from '../../common/names.ts';
import type { KubeHttp } from '../kube-http.ts';

export interface ReconcileTotals {
  reconciles: number;
  durationSum: number;
  durationCount: number;
}

interface Listed {
  items?: Array<{ metadata: { name: string; resourceVersion: string } }>;
}

const CHILDREN = [
  '/apis/apps/v1/namespaces/NS/deployments',
  '/api/v1/namespaces/NS/services',
  '/api/v1/namespaces/NS/configmaps',
];

async function versions(http: KubeHttp, ns: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const paths = [...CHILDREN, `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/NS/projectservices`];
  for (const path of paths) {
    const list = (await http.must('GET', path.replace('NS', ns))) as Listed;
    for (const o of list.items ?? []) out.set(`${path}/${o.metadata.name}`, o.metadata.resourceVersion);
  }
  return out;
}

export async function noOpReconciles(
  http: KubeHttp,
  ns: string,
  names: string[],
  totals: () => Promise<ReconcileTotals | undefined>,
): Promise<{ reconciles: number; meanMs: number; objectsWritten: number } | undefined> {
  // Settled first: no reconcile for a second (a burst's last status updates are not no-ops).
  let before = await totals();
  if (!before) return undefined;
  for (let quiet = 0, i = 0; quiet < 10 && i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await totals();
    if (!now) return undefined;
    quiet = now.durationCount === before.durationCount ? quiet + 1 : 0;
    before = now;
  }
  const psPath = `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/${ns}/projectservices`;
  const versionsBefore = await versions(http, ns);
  const touched = new Map<string, string>();
  const stamp = String(Date.now());
  await Promise.all(
    names.map(async (n) => {
      const o = (await http.must('PATCH', `${psPath}/${n}`, {
        metadata: { annotations: { 'bench.kubehpc.dev/touched': stamp } },
      })) as { metadata: { resourceVersion: string } };
      touched.set(
        `/apis/${APPS_GROUP}/${API_VERSION}/namespaces/NS/projectservices/${n}`,
        o.metadata.resourceVersion,
      );
    }),
  );
  // Wait for the controller to have run at least one reconcile per touched service.
  let after = before;
  for (let i = 0; i < 600; i++) {
    after = (await totals()) ?? after;
    if (after.durationCount - before.durationCount >= names.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const versionsAfter = await versions(http, ns);
  let objectsWritten = 0;
  for (const [key, rv] of versionsAfter) {
    const expected = touched.get(key) ?? versionsBefore.get(key);
    if (rv !== expected) objectsWritten++;
  }
  const count = after.durationCount - before.durationCount;
  return {
    reconciles: count,
    meanMs:
      count > 0 ? Number((((after.durationSum - before.durationSum) / count) * 1000).toFixed(2)) : Number.NaN,
    objectsWritten,
  };
}
