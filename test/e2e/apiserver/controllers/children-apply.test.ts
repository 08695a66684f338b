// How the ProjectService controller writes its children, against the running platform: they
// travel as plain JSON, so a config file named `__proto__` (a valid ConfigMap key the API
// stores) reaches the ConfigMap; and a reconcile that would change nothing writes nothing —
// a metadata-only touch of the service and a new generation that only moves the Deployment
// leave the other children's resourceVersions exactly as they were.

import t from 'tap';
import { eventually, kubectl, kubectlOk as ok, testNamespace } from '../../../support/cluster.ts';

const NAME = 'protofile';

interface Meta {
  name: string;
  resourceVersion: string;
  generation?: number;
}

interface Child {
  metadata: Meta;
  data?: Record<string, string>;
  spec?: { replicas?: number };
}

interface Service {
  metadata: Meta;
  status?: { observedGeneration?: number; phase?: string };
}

// Built as text: a `__proto__` key in an object literal would set the prototype instead.
const manifest = (ns: string, replicas: number) =>
  `{"apiVersion":"apps.kubehpc.dev/v1alpha1","kind":"ProjectService",` +
  `"metadata":{"name":"${NAME}","namespace":"${ns}"},` +
  `"spec":{"image":"registry.example/app:1","replicas":${replicas},` +
  `"ports":[{"name":"http","port":8080}],` +
  `"config":{"mountPath":"/etc/app","files":{"__proto__":"a=1","app.conf":"b=2"}}}}`;

async function get<T>(ns: string, kind: string, name: string): Promise<T | undefined> {
  const r = await kubectl(['-n', ns, 'get', kind, name, '-o', 'json']);
  return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
}

/** The service once the controller has realised its current generation. */
async function realised(ns: string): Promise<Service> {
  return eventually(`${NAME} realised`, async () => {
    const ps = await get<Service>(ns, 'ps', NAME);
    return ps && ps.status?.observedGeneration === ps.metadata.generation ? ps : undefined;
  });
}

const versions = async (ns: string) => ({
  configMap: (await get<Child>(ns, 'configmap', `${NAME}-config`))?.metadata.resourceVersion,
  service: (await get<Child>(ns, 'service', NAME))?.metadata.resourceVersion,
});

t.test('a config file named __proto__ is published, and a no-op reconcile writes nothing', async (t) => {
  const ns = await testNamespace(t, 'ps-apply');
  await ok(['apply', '-f', '-'], manifest(ns, 1));

  const raw = await eventually('the ConfigMap with both files', async () => {
    const r = await kubectl(['-n', ns, 'get', 'configmap', `${NAME}-config`, '-o', 'json']);
    return r.code === 0 && r.stdout.includes('app.conf') ? r.stdout : undefined;
  });
  const data = (JSON.parse(raw) as Child).data ?? {};
  t.same(Object.keys(data).sort(), ['__proto__', 'app.conf'], 'both files are keys of the ConfigMap');
  t.equal(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, 'a=1', 'with its content');
  t.equal(Object.getPrototypeOf({}), Object.prototype, 'nothing in this process was polluted');

  await realised(ns);
  const before = await versions(ns);
  t.ok(before.configMap && before.service, 'ConfigMap and Service exist');

  // Metadata only: the service is reconciled (its watch event enqueues it), nothing changes.
  await ok(['-n', ns, 'annotate', 'ps', NAME, 'example.com/touched=1']);
  // A new generation that only the Deployment reflects.
  await ok(['apply', '-f', '-'], manifest(ns, 2));
  await eventually('the Deployment scaled to 2', async () => {
    const d = await get<Child>(ns, 'deployment', NAME);
    return d?.spec?.replicas === 2 ? d : undefined;
  });
  await realised(ns);
  t.same(await versions(ns), before, 'ConfigMap and Service were not written again');
  const cm = JSON.parse(await ok(['-n', ns, 'get', 'configmap', `${NAME}-config`, '-o', 'json'])) as Child;
  t.equal(
    Object.getOwnPropertyDescriptor(cm.data ?? {}, '__proto__')?.value,
    'a=1',
    'the __proto__ file is still there (drift repair does not fight over it)',
  );
});
