// /readyz tells the truth: a server whose authentication config cannot be read, or whose etcd
// is gone, says it is not ready (503, naming the check) while /livez stays up — so a load
// balancer or the aggregator stops sending it requests instead of seeing them fail.

import t from 'tap';
import { platform } from '../../support/cluster.ts';
import { call, startTestServer } from './support.ts';

t.test('not ready while the authentication config is missing', async (t) => {
  const server = await startTestServer({
    args: ['--authentication-config-map=kube-system/kubehpc-e2e-no-such-configmap'],
  });
  t.teardown(() => server.running.stop());
  const ready = await call(server.port, 'GET', '/readyz', { as: 'none' });
  t.equal(ready.status, 503);
  t.match(ready.text, /\[-\]authentication-config/);
  t.equal((await call(server.port, 'GET', '/livez', { as: 'none' })).status, 200, 'alive all the same');
});

t.test('not ready while etcd cannot be reached', async (t) => {
  // A port nothing listens on: the platform's own etcd stays untouched.
  const deadEtcd = `--etcd-servers=https://127.0.0.1:${platform.ports.etcdClient + 9000}`;
  const server = await startTestServer({ args: [deadEtcd] });
  t.teardown(() => server.running.stop());
  const ready = await call(server.port, 'GET', '/readyz', { as: 'none' });
  t.equal(ready.status, 503);
  t.match(ready.text, /\[-\]etcd/);
});
