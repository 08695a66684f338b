// Exposure on the running platform, through the paths users take: `kubectl hpc deploy
// --expose` creates a NodePort Service and an Ingress owned by the ProjectService and prints
// their endpoints; status and `kubectl get ps -o wide` show them; taking the exposure back
// deletes the child; deleting the service lets the garbage collector remove the rest. A host
// one project routes is refused to another (Exposed=False, HostTaken, no Ingress) until the
// first lets it go.

import t from 'tap';
import {
  eventually,
  isNotFound,
  kubectlJson as json,
  kubectl,
  testNamespace,
} from '../../../support/cluster.ts';
import { hpc } from '../../kubectl-plugin/support.ts';

interface Owned {
  metadata: {
    uid: string;
    ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }>;
  };
}
interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface PS extends Owned {
  status?: {
    endpoints?: Array<{ port: string; type: string; url: string }>;
    conditions?: Condition[];
  };
}

async function gone(args: string[], what: string): Promise<void> {
  await eventually(what, async () => (isNotFound(await kubectl(args)) ? true : undefined), 90_000);
}

const exposed = (ps: PS) => ps.status?.conditions?.find((c) => c.type === 'Exposed');

t.test('NodePort and Ingress: created, owned, reported, withdrawn and collected', async (t) => {
  const ns = await testNamespace(t, 'expose');
  const host = `portal-${ns}.example.org`;
  const r = await hpc([
    'deploy',
    'portal',
    '-n',
    ns,
    '--image',
    'registry.example/portal:1',
    '--port',
    'http:8080',
    '--port',
    'admin:9000',
    '--expose',
    `http=ingress:${host}/app`,
    '--expose',
    'admin=nodeport',
    '--timeout',
    '3m',
  ]);
  t.equal(r.code, 0, r.stderr);
  const ps = await json<PS>(['-n', ns, 'get', 'ps', 'portal']);

  const svc = await json<
    Owned & { spec: { type: string; ports: Array<{ name: string; nodePort?: number }> } }
  >(['-n', ns, 'get', 'service', 'portal-nodeport']);
  t.equal(svc.spec.type, 'NodePort');
  t.same(
    svc.spec.ports.map((p) => p.name),
    ['admin'],
    'only the port that asked for it',
  );
  const nodePort = svc.spec.ports[0]?.nodePort ?? 0;
  t.ok(nodePort >= 30000 && nodePort <= 32767, `node port ${nodePort} assigned by the cluster`);
  const inCluster = await json<{ spec: { type: string } }>(['-n', ns, 'get', 'service', 'portal']);
  t.equal(inCluster.spec.type, 'ClusterIP', 'the in-cluster Service keeps its type');

  const ingress = await json<
    Owned & {
      spec: { rules: Array<{ host: string; http: { paths: Array<{ path: string; pathType: string }> } }> };
    }
  >(['-n', ns, 'get', 'ingress', 'portal']);
  t.same(
    ingress.spec.rules.map((rule) => [rule.host, rule.http.paths.map((p) => `${p.pathType} ${p.path}`)]),
    [[host, ['Prefix /app']]],
  );
  for (const [kind, child] of [
    ['NodePort Service', svc],
    ['Ingress', ingress],
  ] as const) {
    t.match(
      child.metadata.ownerReferences,
      [{ kind: 'ProjectService', name: 'portal', uid: ps.metadata.uid, controller: true }],
      `${kind} is owned by the service`,
    );
  }

  const urls = [`http://${host}/app`, `<node>:${nodePort}`];
  t.match(r.stdout, `  http: ${urls[0]} (Ingress)`, "deploy's output shows the Ingress URL");
  t.match(r.stdout, `  admin: ${urls[1]} (NodePort)`, "deploy's output shows the node port");
  t.same(ps.status?.endpoints, [
    { port: 'http', type: 'ClusterIP', url: `portal.${ns}.svc:8080` },
    { port: 'admin', type: 'ClusterIP', url: `portal.${ns}.svc:9000` },
    { port: 'http', type: 'Ingress', url: urls[0] },
    { port: 'admin', type: 'NodePort', url: urls[1] },
  ]);
  t.match(exposed(ps), { status: 'True', reason: 'Exposed' });
  const wide = await kubectl(['-n', ns, 'get', 'ps', 'portal', '-o', 'wide']);
  t.match(wide.stdout, /EXTERNAL/);
  t.match(wide.stdout, urls.join(','), 'the External column lists both');

  await t.test('another project cannot take the host while this one routes it', async (t) => {
    const other = await testNamespace(t, 'expose-rival');
    const rival = await hpc([
      'deploy',
      'rival',
      '-n',
      other,
      '--image',
      'registry.example/rival:1',
      '--port',
      'http:80',
      '--expose',
      `ingress:${host}/`,
      '--timeout',
      '3m',
    ]);
    t.equal(rival.code, 0, 'the service itself runs');
    t.match(rival.stderr, /warning: not exposed yet \(HostTaken\)/);
    const refused = await json<PS>(['-n', other, 'get', 'ps', 'rival']);
    t.match(exposed(refused), {
      status: 'False',
      reason: 'HostTaken',
      message: new RegExp(`host ${host.replaceAll('.', '\\.')} is already routed by Ingress ${ns}/portal`),
    });
    t.ok(
      isNotFound(await kubectl(['-n', other, 'get', 'ingress', 'rival'])),
      'no Ingress was created for it',
    );

    await t.test('withdrawing an exposure deletes its child', async (t) => {
      const u = await hpc(['update', 'portal', '-n', ns, '--expose', 'admin=clusterip', '--wait=false']);
      t.equal(u.code, 0, u.stderr);
      await gone(['-n', ns, 'get', 'service', 'portal-nodeport'], 'the NodePort Service to be deleted');
      const after = await eventually('status without the node port', async () => {
        const now = await json<PS>(['-n', ns, 'get', 'ps', 'portal']);
        return now.status?.endpoints?.some((e) => e.type === 'NodePort') ? undefined : now;
      });
      t.notOk(after.status?.endpoints?.some((e) => e.type === 'NodePort'));
    });

    await t.test(
      'deleting the service collects the Ingress, and the host is free for the other project',
      async (t) => {
        const d = await kubectl(['-n', ns, 'delete', 'ps', 'portal', '--wait=true']);
        t.equal(d.code, 0, d.stderr);
        await gone(['-n', ns, 'get', 'ingress', 'portal'], 'the garbage collector to delete the Ingress');
        const taken = await eventually(
          'the rival to get the host',
          async () => {
            const r = await kubectl(['-n', other, 'get', 'ingress', 'rival', '-o', 'json']);
            return r.code === 0
              ? (JSON.parse(r.stdout) as { spec: { rules: Array<{ host: string }> } })
              : undefined;
          },
          90_000,
        );
        t.equal(taken.spec.rules[0]?.host, host);
        const now = await eventually('Exposed=True on the rival', async () => {
          const ps = await json<PS>(['-n', other, 'get', 'ps', 'rival']);
          return exposed(ps)?.status === 'True' ? ps : undefined;
        });
        t.match(now.status?.endpoints, [
          { type: 'ClusterIP' },
          { port: 'http', type: 'Ingress', url: `http://${host}/` },
        ]);
      },
    );
  });
});
