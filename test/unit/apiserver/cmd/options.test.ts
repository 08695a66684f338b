import t from 'tap';
import { OptionsError, parseOptions } from '../../../../apiserver/src/cmd/options.ts';

t.test('options', async (t) => {
  const required = [
    '--secure-port=9443',
    '--tls-cert-file=c',
    '--tls-private-key-file=k',
    '--etcd-servers=https://127.0.0.1:2379',
    '--etcd-cafile=a',
    '--etcd-certfile=b',
    '--etcd-keyfile=c',
  ];
  const o = parseOptions(required);
  t.equal(o.etcdPrefix, '/kubehpc/');
  t.equal(o.bindAddress, '127.0.0.1');
  t.throws(() => parseOptions(required.slice(1)), OptionsError, 'missing --secure-port');
  t.throws(() => parseOptions([...required, '--secure-port=70000']), OptionsError);
  t.throws(() => parseOptions([...required, '--etcd-prefix=kubehpc']), OptionsError);
  t.throws(
    () => parseOptions([...required, '--kube-apiserver=https://x']),
    OptionsError,
    'kube flags go together',
  );
  t.throws(() => parseOptions([...required, '--bogus']), OptionsError);
  t.same(o.authenticationConfigMap, { namespace: 'kube-system', name: 'extension-apiserver-authentication' });
  t.same(parseOptions([...required, '--authentication-config-map=test/auth']).authenticationConfigMap, {
    namespace: 'test',
    name: 'auth',
  });
  t.throws(() => parseOptions([...required, '--authentication-config-map=auth']), OptionsError);
  t.equal(o.watchBookmarkIntervalMs, 60_000);
  t.equal(parseOptions([...required, '--watch-bookmark-interval=250ms']).watchBookmarkIntervalMs, 250);
  t.equal(parseOptions([...required, '--watch-bookmark-interval=2m']).watchBookmarkIntervalMs, 120_000);
  t.throws(
    () => parseOptions([...required, '--watch-bookmark-interval=60']),
    OptionsError,
    'a unit is required',
  );
  t.throws(() => parseOptions([...required, '--watch-bookmark-interval=0s']), OptionsError);
});
