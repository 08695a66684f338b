// The exposure children as rendered, the host-ownership rule, and what status says about them.

import t from 'tap';
import {
  claimOf,
  endpoints,
  exposedCondition,
  type HostClaim,
  holderOf,
  planExposure,
} from '../../../../../apiserver/src/controllers/projectservice/exposure.ts';
import { render } from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import { computeStatus } from '../../../../../apiserver/src/controllers/projectservice/status.ts';
import { projectService, UID } from './fixtures.ts';

const gateway = { name: 'main', namespace: 'gateways' };
const open = { claims: [], gatewayAPI: true };

const exposedService = () =>
  projectService({
    ports: [
      {
        name: 'http',
        port: 8080,
        expose: { type: 'Ingress', host: 'portal.example.org', ingressClassName: 'nginx' },
      },
      {
        name: 'api',
        port: 8081,
        expose: { type: 'Ingress', host: 'portal.example.org', path: '/api', ingressClassName: 'nginx' },
      },
      { name: 'admin', port: 9000, expose: { type: 'NodePort' } },
      { name: 'stats', port: 9100, protocol: 'UDP', expose: { type: 'NodePort' } },
      { name: 'grpc', port: 9090 },
      { name: 'v2', port: 8082, expose: { type: 'HTTPRoute', host: 'v2.example.org', path: '/v2', gateway } },
    ],
  });

const owner = {
  apiVersion: 'apps.kubehpc.dev/v1alpha1',
  kind: 'ProjectService',
  name: 'portal',
  uid: UID,
  controller: true,
  blockOwnerDeletion: true,
};

t.test('a service without exposure renders none of the exposure children', async (t) => {
  const plan = planExposure(
    projectService({ ports: [{ name: 'http', port: 80, expose: { type: 'ClusterIP' } }] }),
    open,
  );
  t.same(plan, {
    children: { nodePortService: undefined, ingress: undefined, httpRoute: undefined },
    problems: [],
  });
});

t.test(
  'NodePort ports get a NodePort Service of their own; the in-cluster Service stays ClusterIP',
  async (t) => {
    const ps = exposedService();
    const { nodePortService } = planExposure(ps, open).children;
    t.equal(nodePortService?.metadata?.name, 'portal-nodeport');
    t.same(nodePortService?.metadata?.ownerReferences, [owner]);
    t.equal(nodePortService?.metadata?.labels?.['app.kubernetes.io/managed-by'], 'kubehpc');
    t.equal(nodePortService?.spec?.type, 'NodePort');
    t.same(nodePortService?.spec?.ports, [
      { name: 'admin', port: 9000, protocol: 'TCP', targetPort: 'admin' },
      { name: 'stats', port: 9100, protocol: 'UDP', targetPort: 'stats' },
    ]);
    t.notOk(
      nodePortService?.spec?.ports?.some((p) => 'nodePort' in p),
      'the cluster assigns node ports',
    );
    const service = render(ps).service;
    t.equal(service?.spec?.type, 'ClusterIP');
    t.equal(service?.spec?.ports?.length, 6, 'every port stays reachable in the cluster');
  },
);

t.test('Ingress ports become one Ingress, one rule per host, a Prefix path per port', async (t) => {
  const { ingress } = planExposure(exposedService(), open).children;
  t.same(ingress, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'portal',
      namespace: 'climate',
      labels: ingress?.metadata?.labels,
      ownerReferences: [owner],
    },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'portal.example.org',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'portal', port: { name: 'http' } } },
              },
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'portal', port: { name: 'api' } } },
              },
            ],
          },
        },
      ],
    },
  });
  t.equal(ingress?.metadata?.labels?.['app.kubernetes.io/component'], 'network');
});

t.test(
  'HTTPRoute ports become one HTTPRoute on the Gateway, with Gateway API defaults written out',
  async (t) => {
    const { httpRoute } = planExposure(exposedService(), open).children;
    t.equal(httpRoute?.apiVersion, 'gateway.networking.k8s.io/v1');
    t.same(httpRoute?.metadata.ownerReferences, [owner]);
    t.same(httpRoute?.spec, {
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'main', namespace: 'gateways' },
      ],
      hostnames: ['v2.example.org'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/v2' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'portal', port: 8082, weight: 1 }],
        },
      ],
    });
  },
);

t.test('without Gateway API the route is not rendered and the problem says why', async (t) => {
  const plan = planExposure(exposedService(), { claims: [], gatewayAPI: false });
  t.equal(plan.children.httpRoute, undefined);
  t.ok(plan.children.ingress, 'the other exposures go ahead');
  t.match(plan.problems, [
    { port: 'v2', reason: 'GatewayAPIUnavailable', message: /install the Gateway API CRDs/ },
  ]);
});

const claim = (over: Partial<HostClaim>): HostClaim => ({
  kind: 'Ingress',
  namespace: 'other',
  name: 'site',
  hosts: ['portal.example.org'],
  created: '2026-01-01T00:00:00Z',
  ...over,
});

t.test('a host another namespace already routes is refused, by Ingress or HTTPRoute alike', async (t) => {
  const ps = exposedService();
  for (const kind of ['Ingress', 'HTTPRoute'] as const) {
    const plan = planExposure(ps, { claims: [claim({ kind })], gatewayAPI: true });
    t.equal(plan.children.ingress, undefined, `${kind}: no Ingress for a taken host`);
    t.match(plan.problems, [
      { port: 'http', reason: 'HostTaken', message: new RegExp(`routed by ${kind} other/site`) },
      { port: 'api', reason: 'HostTaken' },
    ]);
    t.ok(plan.children.httpRoute, 'a route on another host goes ahead');
  }
});

t.test('the same namespace shares its hosts; unrelated hosts are free', async (t) => {
  const ps = exposedService();
  t.same(
    planExposure(ps, { claims: [claim({ namespace: 'climate', name: 'legacy' })], gatewayAPI: true })
      .problems,
    [],
  );
  t.same(
    planExposure(ps, { claims: [claim({ hosts: ['else.example.org'] })], gatewayAPI: true }).problems,
    [],
  );
});

t.test('the older claim keeps a host: a service keeps what it had, a racing newcomer loses', async (t) => {
  const ps = exposedService();
  const mine = claim({ namespace: 'climate', name: 'portal', created: '2026-01-02T00:00:00Z' });
  t.equal(
    holderOf(ps, 'Ingress', 'portal.example.org', [mine, claim({ created: '2026-01-03T00:00:00Z' })]),
    undefined,
  );
  t.match(holderOf(ps, 'Ingress', 'portal.example.org', [mine, claim({ created: '2026-01-01T00:00:00Z' })]), {
    namespace: 'other',
  });
  // Same second: the smaller namespace/name wins, whoever is reconciled first.
  const tie = '2026-01-02T00:00:00Z';
  t.match(
    holderOf(ps, 'Ingress', 'portal.example.org', [mine, claim({ namespace: 'alpha', created: tie })]),
    {
      namespace: 'alpha',
    },
  );
  t.equal(
    holderOf(ps, 'Ingress', 'portal.example.org', [mine, claim({ namespace: 'zeta', created: tie })]),
    undefined,
  );
});

t.test('claims are read from live Ingresses (Date timestamps) and listed HTTPRoutes (strings)', async (t) => {
  t.same(
    claimOf({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'a', namespace: 'n', creationTimestamp: new Date('2026-01-01T00:00:00Z') },
      spec: { rules: [{ host: 'a.example.org' }, {}, { host: 'b.example.org' }] },
    }),
    {
      kind: 'Ingress',
      namespace: 'n',
      name: 'a',
      hosts: ['a.example.org', 'b.example.org'],
      created: '2026-01-01T00:00:00.000Z',
    },
  );
  t.same(
    claimOf({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'n', creationTimestamp: '2026-01-01T00:00:00Z' as unknown as Date },
      spec: { hostnames: ['c.example.org'] },
    }),
    {
      kind: 'HTTPRoute',
      namespace: 'n',
      name: 'r',
      hosts: ['c.example.org'],
      created: '2026-01-01T00:00:00Z',
    },
  );
});

t.test('endpoints: every port in the cluster, then each exposure once it is live', async (t) => {
  const ps = exposedService();
  const { children } = planExposure(ps, open);
  const inCluster = ps.spec.ports?.map((p) => ({
    port: p.name,
    type: 'ClusterIP',
    url: `portal.climate.svc:${p.port}`,
  }));
  t.same(endpoints(ps, { problems: [] }), inCluster, 'nothing exposed is live yet');
  const nodePortService = {
    ...children.nodePortService,
    spec: {
      ...children.nodePortService?.spec,
      ports: [
        { name: 'admin', port: 9000, nodePort: 31000 },
        { name: 'stats', port: 9100, nodePort: 31001 },
      ],
    },
  };
  const live = { nodePortService, ingress: children.ingress, httpRoute: children.httpRoute, problems: [] };
  t.same(endpoints(ps, live).slice(inCluster?.length), [
    { port: 'http', type: 'Ingress', url: 'http://portal.example.org/' },
    { port: 'api', type: 'Ingress', url: 'http://portal.example.org/api' },
    { port: 'admin', type: 'NodePort', url: '<node>:31000' },
    { port: 'stats', type: 'NodePort', url: '<node>:31001' },
    { port: 'v2', type: 'HTTPRoute', url: 'http://v2.example.org/v2' },
  ]);
  const found = endpoints(ps, live);
  t.match(exposedCondition(ps, live, found), {
    type: 'Exposed',
    status: 'True',
    reason: 'Exposed',
    message: /http: http:\/\/portal.example.org\/.*admin: <node>:31000/,
  });
  t.match(
    exposedCondition(ps, { ...live, httpRoute: undefined }, endpoints(ps, { ...live, httpRoute: undefined })),
    {
      status: 'False',
      reason: 'Pending',
      message: 'waiting for port v2 (HTTPRoute)',
    },
  );
});

t.test(
  'status carries the endpoints and the Exposed condition only when exposure is asked for',
  async (t) => {
    const now = new Date('2026-01-01T00:00:00Z');
    const plain = projectService({ ports: [{ name: 'http', port: 80 }] });
    const status = computeStatus(plain, {}, now);
    t.same(status.endpoints, [{ port: 'http', type: 'ClusterIP', url: 'portal.climate.svc:80' }]);
    t.notOk(status.conditions?.some((c) => c.type === 'Exposed'));
    t.equal(computeStatus(projectService(), {}, now).endpoints, undefined, 'no port, no endpoint');

    const ps = exposedService();
    const refusedStatus = computeStatus(
      ps,
      { exposure: planExposure(ps, { claims: [claim({})], gatewayAPI: false }) },
      now,
    );
    t.match(
      refusedStatus.conditions?.find((c) => c.type === 'Exposed'),
      {
        status: 'False',
        reason: 'HostTaken',
        message: /host portal.example.org is already routed by Ingress other\/site.*Gateway API/,
      },
    );
  },
);
