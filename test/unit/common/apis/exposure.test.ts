// spec.ports[].expose through the real admission path (decode with the schema, then
// validation): what is accepted, and every refusal with its field path.

import t from 'tap';
import { routePath } from '../../../../common/apis/apps/v1alpha1/exposure.ts';
import { PROJECT_SERVICE } from '../../../../common/apis/apps/v1alpha1/register.ts';
import type { ProjectService } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { decode, validateObject } from '../../../../common/apis/decode.ts';
import { StatusError } from '../../../../common/apis/meta/errors.ts';

function admit(ports: unknown[]): ProjectService {
  const { object } = decode(
    PROJECT_SERVICE,
    {
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'portal', namespace: 'climate' },
      spec: { image: 'nginx', ports },
    },
    'Strict',
  );
  validateObject(PROJECT_SERVICE, object);
  return object;
}

/** The refused fields with their messages, or a failure when admitted. */
function refused(ports: unknown[]): Array<{ field: string; message: string }> {
  try {
    admit(ports);
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    t.equal(error.code, 422);
    return (error.status.details?.causes ?? []).map((c) => ({
      field: c.field ?? '',
      message: c.message ?? '',
    }));
  }
  throw new Error(`admitted: ${JSON.stringify(ports)}`);
}

const gateway = { name: 'main', namespace: 'gateways', sectionName: 'http' };

t.test('each exposure type is admitted with its own fields, and nothing is invented', async (t) => {
  const ps = admit([
    { name: 'plain', port: 7000 },
    { name: 'inside', port: 7001, expose: { type: 'ClusterIP' } },
    { name: 'node', port: 7002, protocol: 'UDP', expose: { type: 'NodePort' } },
    {
      name: 'web',
      port: 8080,
      expose: { type: 'Ingress', host: 'portal.example.org', ingressClassName: 'nginx' },
    },
    {
      name: 'api',
      port: 8081,
      expose: { type: 'Ingress', host: 'portal.example.org', path: '/api', ingressClassName: 'nginx' },
    },
    {
      name: 'route',
      port: 8082,
      expose: { type: 'HTTPRoute', host: 'portal.example.net', path: '/v1', gateway },
    },
  ]);
  t.same(
    ps.spec.ports?.map((p) => p.expose),
    [
      undefined,
      { type: 'ClusterIP' },
      { type: 'NodePort' },
      { type: 'Ingress', host: 'portal.example.org', ingressClassName: 'nginx' },
      { type: 'Ingress', host: 'portal.example.org', path: '/api', ingressClassName: 'nginx' },
      { type: 'HTTPRoute', host: 'portal.example.net', path: '/v1', gateway },
    ],
  );
});

t.test('an exposure needs a known type', async (t) => {
  t.match(refused([{ name: 'http', port: 80, expose: {} }]), [{ field: 'spec.ports[0].expose.type' }]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'LoadBalancer' } }]), [
    { field: 'spec.ports[0].expose.type', message: /Unsupported value: "LoadBalancer"/ },
  ]);
});

t.test('a type takes only its own fields', async (t) => {
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'NodePort', host: 'a.example.org' } }]), [
    { field: 'spec.ports[0].expose.host', message: /may only be set when type is Ingress or HTTPRoute/ },
  ]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'ClusterIP', path: '/x' } }]), [
    { field: 'spec.ports[0].expose.path' },
  ]);
  t.match(
    refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: 'a.example.org', gateway } }]),
    [{ field: 'spec.ports[0].expose.gateway', message: /only be set when type is HTTPRoute/ }],
  );
  t.match(
    refused([
      {
        name: 'http',
        port: 80,
        expose: { type: 'HTTPRoute', host: 'a.example.org', gateway, ingressClassName: 'x' },
      },
    ]),
    [{ field: 'spec.ports[0].expose.ingressClassName', message: /only be set when type is Ingress/ }],
  );
});

t.test('routes need a host (exact, no wildcard, no IP), a Gateway, and a TCP port', async (t) => {
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'Ingress' } }]), [
    { field: 'spec.ports[0].expose.host', message: /Required value/ },
  ]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: '*.example.org' } }]), [
    { field: 'spec.ports[0].expose.host' },
  ]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: 'Portal.Example.org' } }]), [
    { field: 'spec.ports[0].expose.host' },
  ]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: '10.0.0.1' } }]), [
    { field: 'spec.ports[0].expose.host', message: /not an IP address/ },
  ]);
  t.match(refused([{ name: 'http', port: 80, expose: { type: 'HTTPRoute', host: 'a.example.org' } }]), [
    { field: 'spec.ports[0].expose.gateway', message: /Required value/ },
  ]);
  t.match(
    refused([{ name: 'dns', port: 53, protocol: 'UDP', expose: { type: 'Ingress', host: 'a.example.org' } }]),
    [{ field: 'spec.ports[0].expose.type', message: /needs a TCP port, not UDP/ }],
  );
});

t.test('paths are absolute URL paths kube-apiserver and Gateway API accept', async (t) => {
  t.same(routePath('/'), []);
  t.same(routePath('/api/v1_x-y.z~'), []);
  for (const bad of [
    'api',
    '/a//b',
    '/a/./b',
    '/a/../b',
    '/a%2fb',
    '/a/..',
    '/a/.',
    '/a b',
    '/a?q=1',
    '/a#x',
  ])
    t.not(routePath(bad).length, 0, `${bad} is refused`);
  t.match(
    refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: 'a.example.org', path: '/a//b' } }]),
    [{ field: 'spec.ports[0].expose.path', message: /must not contain '\/\/'/ }],
  );
  t.match(
    refused([{ name: 'http', port: 80, expose: { type: 'Ingress', host: 'a.example.org', path: 'a' } }]),
    [{ field: 'spec.ports[0].expose.path' }],
  );
});

t.test('two ports never share host and path', async (t) => {
  t.match(
    refused([
      { name: 'a', port: 80, expose: { type: 'Ingress', host: 'a.example.org', path: '/x' } },
      { name: 'b', port: 81, expose: { type: 'Ingress', host: 'a.example.org', path: '/x' } },
    ]),
    [{ field: 'spec.ports[1].expose.path', message: /Duplicate value/ }],
  );
});

t.test('one Ingress and one HTTPRoute per service: one class, one host and Gateway', async (t) => {
  t.match(
    refused([
      { name: 'a', port: 80, expose: { type: 'Ingress', host: 'a.example.org', ingressClassName: 'nginx' } },
      { name: 'b', port: 81, expose: { type: 'Ingress', host: 'b.example.org' } },
    ]),
    [{ field: 'spec.ports[1].expose.ingressClassName', message: /must equal spec.ports\[0\]/ }],
  );
  t.match(
    refused([
      { name: 'a', port: 80, expose: { type: 'HTTPRoute', host: 'a.example.org', gateway } },
      { name: 'b', port: 81, expose: { type: 'HTTPRoute', host: 'b.example.org', path: '/b', gateway } },
    ]),
    [{ field: 'spec.ports[1].expose', message: /one HTTPRoute serves all HTTPRoute ports/ }],
  );
  t.ok(
    admit([
      { name: 'a', port: 80, expose: { type: 'HTTPRoute', host: 'a.example.org', gateway } },
      { name: 'b', port: 81, expose: { type: 'HTTPRoute', host: 'a.example.org', path: '/b', gateway } },
    ]),
    'the same host and Gateway on two paths is fine',
  );
});
