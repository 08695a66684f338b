// Whatever the API admits, the cluster accepts: many generated specs go through the real
// admission (decode and validation), the admitted ones are rendered by the controller's own
// renderer into a Deployment, a Service and a ConfigMap (and the exposure's NodePort Service,
// Ingress and HTTPRoute), and each rendered object is created
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
    env: fc.uniqueArray(fc.record({ name: envName, value: fc.string({ maxLength: 30 }) }), {
      selector: (e) => e.name,
      maxLength: 5,
    }),
    resources: fc.record(
      { cpu: fc.constantFrom('100m', '1', '2', '0.5'), memory: fc.constantFrom('64Mi', '1Gi', '1500M') },
      { requiredKeys: [] },
    ),
    config: fc.record({
      mountPath: fc.constantFrom('/etc/app', '/config', '/opt/x/y'),
      files: fc.dictionary(configKey, fc.string({ maxLength: 50 }), { maxKeys: 4 }),
      onChange: fc.constantFrom('Live', 'Restart'),
    }),
    hardware: fc.record(
      {
        sriovVFs: fc.integer({ min: 0, max: 4 }),
        numa: fc.constantFrom('None', 'SingleNode'),
        localDisk: fc.constantFrom('1Gi', '10Gi'),
      },
      { requiredKeys: [] },
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
  Ingress: `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`,
  HTTPRoute: `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes`,
};
// HTTPRoutes are dry-run against the Gateway API CRDs' own validation.
await installGatewayAPI(t);

t.test('every admitted generated spec renders into objects kube-apiserver accepts', async (t) => {
  // A fixed seed: the same specs on every run, so a failure reproduces.
  const samples = fc.sample(spec, { numRuns: 100, seed: 20261129 });
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
