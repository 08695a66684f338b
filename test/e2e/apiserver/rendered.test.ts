// Whatever the API admits, the cluster accepts: many generated specs go through the real
// admission (decode and validation), the admitted ones are rendered by the controller's own
// renderer into a Deployment, a Service, a ConfigMap and a PersistentVolumeClaim (and the
// exposure's NodePort Service, Ingress and HTTPRoute), and each rendered object is created
// with a server-side dry run on the platform's kube-apiserver. A spec the API admits but the
// cluster refuses would leave a ProjectService stuck Failed: this test finds it. New spec
// fields extend the generator below.

import fc from 'fast-check';
import t from 'tap';
import { planExposure } from '../../../apiserver/src/controllers/projectservice/exposure.ts';
import { render } from '../../../apiserver/src/controllers/projectservice/render.ts';
import { PROJECT_SERVICE } from '../../../common/apis/apps/v1alpha1/register.ts';
import { decode, validateObject } from '../../../common/apis/decode.ts';
import { StatusError } from '../../../common/apis/meta/errors.ts';
import { platform, testNamespace } from '../../support/cluster.ts';
import { installGatewayAPI } from '../../support/gateway-api.ts';
import { call } from './support.ts';

const ns = await testNamespace(t, 'rendered');
const API = platform.ports.apiserver;

const lower = 'abcdefghijklmnopqrstuvwxyz';
const word = (chars: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: max }).map((cs) => cs.join(''));
// Empty strings too: the API must refuse what the cluster would (issue 9, item 3).
const portName = fc.oneof(
  { weight: 9, arbitrary: word(lower, 1, 15) },
  { weight: 1, arbitrary: fc.constant('') },
);
const envName = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 9,
    arbitrary: fc
      .tuple(word(`${lower}_.-ABCXYZ`, 1, 1), word(`${lower}_.-0123456789ABCXYZ`, 0, 30))
      .map(([a, b]) => a + b),
  },
);
/** Mostly `good`, now and then `bad`: enough admitted specs, and the refusals still exercised. */
const rarely = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad });
const tolerationKey = fc.constantFrom('nvidia.com/gpu', 'dedicated', 'example.org/pool');
const effect = fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute');
const objectName = fc.oneof(
  { weight: 9, arbitrary: word(`${lower}-.`, 1, 20).map((n) => `x${n}x`) },
  { weight: 1, arbitrary: fc.constantFrom('Bad_Name', '') },
);
const configKey = fc.oneof(
  word(`${lower}._-0123456789`, 1, 40),
  fc.constantFrom('__proto__', 'constructor', 'app.conf'),
);

// Exposure: mostly what the API admits, some hosts and paths it must refuse.
const host = fc.oneof(
  { weight: 8, arbitrary: word(lower, 1, 10).map((w) => `${w}.example.org`) },
  { weight: 1, arbitrary: fc.constantFrom('*.example.org', '10.0.0.1', 'Upper.example.org') },
);
const routePath = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('/', '/api', '/a-b/c_d.e~', '/x;y=z', "/it's:@ok") },
  { weight: 1, arbitrary: fc.constantFrom('//x', '/a/../b', 'relative', '/a%2fb') },
);
const expose = fc.oneof(
  fc.record({ type: fc.constant('ClusterIP') }),
  fc.record({ type: fc.constant('NodePort') }),
  fc.record(
    { type: fc.constant('Ingress'), host, path: routePath, ingressClassName: fc.constant('nginx') },
    { requiredKeys: ['type', 'host'] },
  ),
  fc.record(
    {
      type: fc.constant('HTTPRoute'),
      host,
      path: routePath,
      gateway: fc.record(
        { name: fc.constant('main'), namespace: fc.constant('gateways'), sectionName: fc.constant('http') },
        { requiredKeys: ['name'] },
      ),
    },
    { requiredKeys: ['type', 'host', 'gateway'] },
  ),
);

const spec = fc.record(
  {
    image: fc.oneof(
      { weight: 1, arbitrary: fc.constant('') },
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          'nginx',
          'registry.example/portal:1.4.2',
          `ghcr.io/org/app@sha256:${'a'.repeat(64)}`,
        ),
      },
      {
        weight: 4,
        arbitrary: fc
          .tuple(word(lower, 1, 12), word(`${lower}0123456789.`, 1, 10))
          .map(([n, tag]) => `registry.example:5000/${n}:${tag}`),
      },
    ),
    replicas: fc.integer({ min: 0, max: 5 }),
    command: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    args: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
    ports: fc.uniqueArray(
      fc.record({
        name: portName,
        port: fc.integer({ min: 1, max: 65535 }),
        protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
        expose: fc.option(expose, { nil: undefined }),
      }),
      { selector: (p) => p.name, maxLength: 4 },
    ),
    env: fc.uniqueArray(
      fc.oneof(
        { weight: 3, arbitrary: fc.record({ name: envName, value: fc.string({ maxLength: 30 }) }) },
        {
          weight: 1,
          arbitrary: fc.record({
            name: envName,
            valueFrom: fc.oneof(
              fc.record({
                secretKeyRef: fc.record({ name: objectName, key: configKey, optional: fc.boolean() }),
              }),
              fc.record({ configMapKeyRef: fc.record({ name: objectName, key: configKey }) }),
            ),
          }),
        },
      ),
      { selector: (e) => e.name, maxLength: 5 },
    ),
    envFrom: fc.array(
      fc.oneof(
        fc.record(
          { secretRef: fc.record({ name: objectName }), prefix: envName },
          { requiredKeys: ['secretRef'] },
        ),
        fc.record({ configMapRef: fc.record({ name: objectName, optional: fc.boolean() }) }),
      ),
      { maxLength: 2 },
    ),
    secretFiles: fc.uniqueArray(
      fc.record({
        secretName: objectName,
        mountPath: rarely(fc.constantFrom('/etc/tls', '/secrets/a'), fc.constantFrom('/', '/config')),
      }),
      { selector: (f) => f.mountPath, maxLength: 2 },
    ),
    imagePullSecrets: fc.uniqueArray(fc.record({ name: objectName }), {
      selector: (p) => p.name,
      maxLength: 2,
    }),
    resources: fc.record(
      {
        cpu: fc.constantFrom('100m', '1', '2', '0.5'),
        memory: fc.constantFrom('64Mi', '1Gi', '1500M'),
        extended: rarely(
          fc.dictionary(
            fc.constantFrom('nvidia.com/gpu', 'amd.com/gpu', 'example.org/fpga'),
            fc.constantFrom('1', '2'),
            { maxKeys: 2 },
          ),
          fc.dictionary(
            fc.constantFrom('gpu', 'kubernetes.io/x', 'nvidia.com/gpu'),
            fc.constantFrom('0', '500m'),
            {
              minKeys: 1,
              maxKeys: 1,
            },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
    placement: fc.record(
      {
        nodeSelector: fc.dictionary(
          rarely(fc.constantFrom('node.kubehpc.dev/pool', 'zone', 'example.org/rack'), fc.constant('a b')),
          word(lower, 0, 8),
          { maxKeys: 2 },
        ),
        tolerations: fc.array(
          rarely(
            fc.oneof(
              fc.record(
                { key: tolerationKey, operator: fc.constant('Exists'), effect: effect },
                { requiredKeys: ['operator'] },
              ),
              fc.record(
                {
                  key: tolerationKey,
                  operator: fc.constant('Equal'),
                  value: word(lower, 0, 6),
                  effect: effect,
                },
                {
                  requiredKeys: ['key', 'operator'],
                },
              ),
              fc.record({
                key: tolerationKey,
                effect: fc.constant('NoExecute'),
                tolerationSeconds: fc.integer({ min: 0, max: 600 }),
              }),
            ),
            fc.constantFrom(
              { operator: 'Exists', key: 'k', value: 'v' },
              { value: 'v' },
              { key: 'k', tolerationSeconds: 5 },
            ),
          ),
          { maxLength: 2 },
        ),
        spread: fc.constantFrom('None', 'Nodes', 'NodesRequired'),
      },
      { requiredKeys: [] },
    ),
    data: rarely(
      fc.oneof(
        fc.record(
          {
            mountPath: fc.constantFrom('/shared', '/var/lib/app'),
            size: fc.constantFrom('1Gi', '100Mi'),
            storageClassName: fc.constantFrom('standard', 'fast'),
            accessMode: fc.constantFrom('ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany'),
            readOnly: fc.boolean(),
          },
          { requiredKeys: ['mountPath', 'size'] },
        ),
        fc.record(
          {
            mountPath: fc.constantFrom('/shared', '/archive'),
            claimName: objectName,
            readOnly: fc.boolean(),
          },
          { requiredKeys: ['mountPath', 'claimName'] },
        ),
      ),
      fc.constantFrom(
        { mountPath: '/', size: '1Gi' },
        { mountPath: '/data', size: '0' },
        { mountPath: '/d', size: '1Gi', claimName: 'c' },
        { mountPath: '/d' },
      ),
    ),
    core: fc.boolean(),
  },
  { requiredKeys: ['image'] },
);

function admitted(raw: Record<string, unknown>, i: number) {
  try {
    const { object } = decode(
      PROJECT_SERVICE,
      {
        apiVersion: 'apps.kubehpc.dev/v1alpha1',
        kind: 'ProjectService',
        metadata: {
          name: `gen-${i}`,
          namespace: ns,
          uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        },
        spec: raw,
      },
      'Strict',
    );
    validateObject(PROJECT_SERVICE, object);
    return object;
  } catch (error) {
    if (error instanceof StatusError && error.code === 422) return undefined;
    throw error;
  }
}

const PATHS: Record<string, string> = {
  Deployment: `/apis/apps/v1/namespaces/${ns}/deployments`,
  Service: `/api/v1/namespaces/${ns}/services`,
  ConfigMap: `/api/v1/namespaces/${ns}/configmaps`,
  PersistentVolumeClaim: `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
  Ingress: `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`,
  HTTPRoute: `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes`,
};
// HTTPRoutes are dry-run against the Gateway API CRDs' own validation.
await installGatewayAPI(t);

t.test('every admitted generated spec renders into objects kube-apiserver accepts', async (t) => {
  // A fixed seed: the same specs on every run, so a failure reproduces.
  const samples = fc.sample(spec, { numRuns: 150, seed: 20261129 });
  let checked = 0;
  const exposureKinds = new Set<string>();
  for (const [i, raw] of samples.entries()) {
    // Health checks must name a declared port; derive one when there is a port to name.
    const withProbe =
      raw.ports && raw.ports.length > 0 && i % 2 === 0
        ? { ...raw, healthCheck: { tcp: { port: raw.ports[0]?.name } } }
        : raw;
    const ps = admitted(JSON.parse(JSON.stringify(withProbe)), i);
    if (!ps) continue;
    checked++;
    const children = render(ps);
    const exposure = planExposure(ps, { claims: [], gatewayAPI: true }).children;
    for (const child of [
      children.deployment,
      children.service,
      children.configMap,
      children.dataClaim,
      exposure.nodePortService,
      exposure.ingress,
      exposure.httpRoute,
    ]) {
      if (!child) continue;
      if (child === exposure.ingress || child === exposure.httpRoute || child === exposure.nodePortService)
        exposureKinds.add(child.kind ?? '');
      const res = await call(API, 'POST', `${PATHS[child.kind as string]}?dryRun=All`, {
        body: JSON.stringify(child),
      });
      if (res.status !== 201) {
        t.fail(`${child.kind} of spec ${JSON.stringify(raw)}: ${res.status} ${String(res.json.message)}`);
      }
    }
  }
  t.ok(checked >= 20, `${checked} of ${samples.length} generated specs were admitted and checked`);
  t.same([...exposureKinds].sort(), ['HTTPRoute', 'Ingress', 'Service'], 'every exposure child was dry-run');
});
