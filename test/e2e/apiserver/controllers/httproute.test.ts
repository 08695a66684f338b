// Gateway API exposure against the real CRDs: without them a service that asks for an
// HTTPRoute says so (Exposed=False, GatewayAPIUnavailable) and runs anyway; once the test
// installs the standard-channel CRDs the controller finds them by itself and creates an
// owned HTTPRoute the CRD's own validation accepts; removing the exposure deletes it. The
// test removes the CRDs it installed.
// (CRDs: test/support/gateway-api.ts.)

import t from 'tap';
import { eventually, isNotFound, kubectl, kubectlOk as ok, testNamespace } from '../../../support/cluster.ts';
import { gatewayAPIServed, installGatewayAPI } from '../../../support/gateway-api.ts';

interface PS {
  metadata: { uid: string };
  status?: {
    endpoints?: Array<{ port: string; type: string; url: string }>;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

const service = (ns: string, host: string, expose: boolean) => `apiVersion: apps.kubehpc.dev/v1alpha1
kind: ProjectService
metadata: {name: web, namespace: ${ns}}
spec:
  image: registry.example/web:1
  ports:
    - name: http
      port: 8080
${expose ? `      expose: {type: HTTPRoute, host: ${host}, path: /v2, gateway: {name: main, namespace: ${ns}}}\n` : ''}`;

const servedAlready = await gatewayAPIServed();

t.test(
  'HTTPRoute: refused without Gateway API, created and owned with it, deleted with the exposure',
  async (t) => {
    const ns = await testNamespace(t, 'httproute');
    const host = `web-${ns}.example.org`;
    const exposed = async () => {
      const ps = JSON.parse(await ok(['-n', ns, 'get', 'ps', 'web', '-o', 'json'])) as PS;
      return { ps, condition: ps.status?.conditions?.find((c) => c.type === 'Exposed') };
    };
    await ok(['apply', '-f', '-'], service(ns, host, true));

    if (servedAlready) {
      t.comment('the Gateway API CRDs were installed before this test: the "absent" half is skipped');
    } else {
      const { condition } = await eventually('Exposed=False without Gateway API', async () => {
        const now = await exposed();
        return now.condition?.status === 'False' ? now : undefined;
      });
      t.match(condition, { reason: 'GatewayAPIUnavailable', message: /install the Gateway API CRDs/ });
      await installGatewayAPI(t);
    }

    const route = await eventually(
      'the controller to create the HTTPRoute',
      async () => {
        const r = await kubectl(['-n', ns, 'get', 'httproute', 'web', '-o', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as Record<string, never>) : undefined;
      },
      90_000,
    );
    const { ps, condition } = await eventually('Exposed=True', async () => {
      const now = await exposed();
      return now.condition?.status === 'True' ? now : undefined;
    });
    t.match(route, {
      metadata: {
        ownerReferences: [{ kind: 'ProjectService', name: 'web', uid: ps.metadata.uid, controller: true }],
      },
      spec: {
        parentRefs: [{ name: 'main', namespace: ns }],
        hostnames: [host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/v2' } }],
            backendRefs: [{ name: 'web', port: 8080 }],
          },
        ],
      },
    });
    t.match(condition?.message, `http: http://${host}/v2`);
    t.match(ps.status?.endpoints, [
      { type: 'ClusterIP' },
      { port: 'http', type: 'HTTPRoute', url: `http://${host}/v2` },
    ]);

    await ok(['apply', '-f', '-'], service(ns, host, false));
    await eventually(
      'the HTTPRoute to be deleted with its exposure',
      async () => (isNotFound(await kubectl(['-n', ns, 'get', 'httproute', 'web'])) ? true : undefined),
      90_000,
    );
    const after = await eventually('status without the route', async () => {
      const now = await exposed();
      return now.condition === undefined ? now : undefined;
    });
    t.same(after.ps.status?.endpoints, [{ port: 'http', type: 'ClusterIP', url: `web.${ns}.svc:8080` }]);
  },
);
