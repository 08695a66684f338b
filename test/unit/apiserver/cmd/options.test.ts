// The API server's flags: pure parsing, each mistake an OptionsError naming the flag.

import t from 'tap';
import { OptionsError, parseOptions } from '../../../../apiserver/src/cmd/options.ts';

const REQUIRED = [
  '--secure-port=9443',
  '--tls-cert-file=s.crt',
  '--tls-private-key-file=s.key',
  '--etcd-servers=https://127.0.0.1:2379',
  '--etcd-cafile=ca.crt',
  '--etcd-certfile=e.crt',
  '--etcd-keyfile=e.key',
];

t.test('defaults as kube-apiserver names them', async (t) => {
  const o = parseOptions(REQUIRED);
  t.equal(o.bindAddress, '127.0.0.1');
  t.equal(o.securePort, 9443);
  t.equal(o.watchBookmarkIntervalMs, 60_000);
  t.equal(o.logLevel, 'info');
  t.equal(o.logRequests, false);
  t.equal(o.watchCache, true);
  t.equal(o.http2, true, 'HTTP/2 is offered unless turned off');
  t.same(o.authenticationConfigMap, { namespace: 'kube-system', name: 'extension-apiserver-authentication' });
});

t.test('values given are read', async (t) => {
  const o = parseOptions([
    ...REQUIRED,
    '--log-level=debug',
    '--log-requests',
    '--watch-bookmark-interval=250ms',
  ]);
  t.equal(o.logLevel, 'debug');
  t.equal(o.logRequests, true);
  t.equal(o.watchBookmarkIntervalMs, 250, 'milliseconds, not minutes');
  t.equal(parseOptions([...REQUIRED, '--watch-bookmark-interval=2m']).watchBookmarkIntervalMs, 120_000);
  t.same(parseOptions([...REQUIRED, '--authentication-config-map=test/auth']).authenticationConfigMap, {
    namespace: 'test',
    name: 'auth',
  });
  t.equal(parseOptions(REQUIRED).etcdPrefix, '/kubehpc/');
  t.equal(parseOptions([...REQUIRED, '--http2=false']).http2, false);
  t.equal(parseOptions([...REQUIRED, '--watch-cache=false']).watchCache, false);
});

t.test('mistakes are OptionsErrors naming the flag', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[...REQUIRED, '--nope'], /nope/],
    [REQUIRED.slice(1), /missing required flags: --secure-port/],
    [[...REQUIRED, '--secure-port=http'], /--secure-port must be a port number/],
    [[...REQUIRED, '--log-level=loud'], /--log-level must be one of/],
    [[...REQUIRED, '--watch-bookmark-interval=soon'], /--watch-bookmark-interval/],
    [[...REQUIRED, '--etcd-prefix=kubehpc'], /--etcd-prefix must start and end with \//],
    [[...REQUIRED, '--authentication-config-map=only-a-name'], /<namespace>\/<name>/],
    [[...REQUIRED, '--kube-apiserver=https://x'], /go together/],
    [[...REQUIRED, '--secure-port=70000'], /--secure-port must be a port number/],
    [[...REQUIRED, '--watch-bookmark-interval=60'], /--watch-bookmark-interval/],
    [[...REQUIRED, '--watch-bookmark-interval=0s'], /--watch-bookmark-interval/],
    [[...REQUIRED, '--http2=maybe'], /--http2/],
  ];
  for (const [argv, message] of cases) t.throws(() => parseOptions(argv), message);
  t.throws(() => parseOptions(['--nope']), OptionsError);
});
