// `--expose` of deploy and update: each form parsed into spec.ports[].expose, set on the
// right port, every mistake a usage error before any request; and the endpoint lines.

import t from 'tap';
import { exposedLines, parseExpose, withExposures } from '../../../kubectl-plugin/src/deploy/expose.ts';
import { UsageError } from '../../../kubectl-plugin/src/errors.ts';

t.test('every form of --expose', async (t) => {
  t.same(parseExpose('nodeport'), { port: undefined, expose: { type: 'NodePort' } });
  t.same(parseExpose('admin=NodePort'), { port: 'admin', expose: { type: 'NodePort' } });
  t.same(parseExpose('clusterip'), { port: undefined, expose: { type: 'ClusterIP' } });
  t.same(parseExpose('ingress:portal.example.org'), {
    port: undefined,
    expose: { type: 'Ingress', host: 'portal.example.org', path: '/' },
  });
  t.same(parseExpose('http=ingress:portal.example.org/app/v1@nginx'), {
    port: 'http',
    expose: { type: 'Ingress', host: 'portal.example.org', path: '/app/v1', ingressClassName: 'nginx' },
  });
  t.same(parseExpose('httproute:portal.example.org/api@main'), {
    port: undefined,
    expose: { type: 'HTTPRoute', host: 'portal.example.org', path: '/api', gateway: { name: 'main' } },
  });
  t.same(parseExpose('httproute:portal.example.org@gateways/main:https'), {
    port: undefined,
    expose: {
      type: 'HTTPRoute',
      host: 'portal.example.org',
      path: '/',
      gateway: { name: 'main', namespace: 'gateways', sectionName: 'https' },
    },
  });
});

t.test('malformed --expose values are usage errors naming the problem', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['loadbalancer', /--expose must be clusterip, nodeport, ingress/],
    ['ingress', /--expose must be/],
    ['ingress:', /--expose must be/],
    ['ingress:/app', /a route needs a host name/],
    ['ingress:*.example.org', /wildcard hosts are not allowed/],
    ['ingress:Portal.example.org', /invalid host/],
    ['httproute:portal.example.org', /needs @\[NAMESPACE\/\]GATEWAY/],
    ['httproute:portal.example.org@a/b/c', /\[NAMESPACE\/\]NAME/],
    ['Bad_Port=nodeport', /invalid port name/],
    ['nodeport:31000', /--expose must be/],
  ];
  for (const [value, message] of cases)
    t.throws(() => parseExpose(value), { constructor: UsageError, message }, value);
});

t.test('exposures land on the named port, or the first one', async (t) => {
  const ports = [
    { name: 'http', port: 8080 },
    { name: 'admin', port: 9000 },
  ];
  t.same(withExposures(ports, [parseExpose('nodeport'), parseExpose('admin=ingress:a.example.org')]), [
    { name: 'http', port: 8080, expose: { type: 'NodePort' } },
    { name: 'admin', port: 9000, expose: { type: 'Ingress', host: 'a.example.org', path: '/' } },
  ]);
  t.same(ports[0], { name: 'http', port: 8080 }, 'the input is not changed');
  t.throws(() => withExposures(undefined, [parseExpose('nodeport')]), {
    message: /needs a port: give --port/,
  });
  t.throws(() => withExposures(ports, [parseExpose('grpc=nodeport')]), {
    message: /names port "grpc", but the service has http, admin/,
  });
  t.throws(() => withExposures(ports, [parseExpose('nodeport'), parseExpose('http=clusterip')]), {
    message: /port http is exposed twice/,
  });
});

t.test('deploy prints the endpoints outside the cluster', async (t) => {
  t.same(
    exposedLines([
      { port: 'http', type: 'ClusterIP', url: 'portal.climate.svc:8080' },
      { port: 'http', type: 'Ingress', url: 'http://portal.example.org/' },
      { port: 'admin', type: 'NodePort', url: '<node>:31000' },
    ]),
    ['  http: http://portal.example.org/ (Ingress)', '  admin: <node>:31000 (NodePort)'],
  );
  t.same(exposedLines(undefined), []);
});
