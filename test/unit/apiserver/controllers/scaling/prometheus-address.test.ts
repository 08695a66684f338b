import t from 'tap';
import {
  allowedAddresses,
  canonicalUrl,
  resolvePrometheusAddress,
} from '../../../../../apiserver/src/controllers/scaling/sources/prometheus-address.ts';

const DEFAULT = 'http://127.0.0.1:19090';

t.test('canonical form: explicit default port, no trailing slash, no credentials or query', async (t) => {
  t.equal(canonicalUrl('http://prom.monitoring.svc'), 'http://prom.monitoring.svc:80');
  t.equal(canonicalUrl('https://prom.example/'), 'https://prom.example:443');
  t.equal(canonicalUrl('http://127.0.0.1:9090/prometheus/'), 'http://127.0.0.1:9090/prometheus');
  t.equal(canonicalUrl('HTTP://Prom.Example:9090'), 'http://prom.example:9090');
  t.equal(canonicalUrl('http://user:pw@prom:9090'), undefined, 'credentials are refused');
  t.equal(canonicalUrl('http://prom:9090/?x=1'), undefined, 'a query string is refused');
  t.equal(canonicalUrl('file:///etc/passwd'), undefined);
  t.equal(canonicalUrl('not a url'), undefined);
});

t.test('the allowed list defaults to the default address alone', async (t) => {
  t.same(allowedAddresses(undefined, DEFAULT), ['http://127.0.0.1:19090']);
  t.same(allowedAddresses(undefined, undefined), []);
  t.same(
    allowedAddresses(' http://a:1 , https://b/ ,', DEFAULT),
    ['http://a:1', 'https://b:443'],
    'an explicit list replaces it',
  );
  t.throws(() => allowedAddresses('http://a:1,ftp://b', DEFAULT), /ftp:\/\/b/);
});

t.test('a policy without an address uses the default; none configured is an error', async (t) => {
  t.same(resolvePrometheusAddress(undefined, DEFAULT, []), { ok: true, address: DEFAULT });
  const none = resolvePrometheusAddress(undefined, undefined, []);
  t.equal(none.ok, false);
  t.match(none, { error: /no Prometheus address/ });
});

t.test('a policy address is used only when it is on the list, compared in canonical form', async (t) => {
  const allowed = allowedAddresses(`${DEFAULT},https://prom.monitoring.svc/`, undefined);
  t.same(resolvePrometheusAddress('http://127.0.0.1:19090/', DEFAULT, allowed), {
    ok: true,
    address: 'http://127.0.0.1:19090/',
  });
  t.same(resolvePrometheusAddress('https://prom.monitoring.svc:443', DEFAULT, allowed), {
    ok: true,
    address: 'https://prom.monitoring.svc:443',
  });
  for (const hostile of [
    'http://169.254.169.254/latest/meta-data',
    'http://127.0.0.1:19091',
    'http://127.0.0.1:19090/other',
    'https://127.0.0.1:19090',
    'http://admin:x@127.0.0.1:19090',
  ]) {
    const result = resolvePrometheusAddress(hostile, DEFAULT, allowed);
    t.equal(result.ok, false, hostile);
    t.match(result, {
      error:
        /is not an address this controller may query; allowed: http:\/\/127\.0\.0\.1:19090, https:\/\/prom\.monitoring\.svc:443/,
    });
  }
});

t.test('with an empty list every policy address is refused, and the message says so', async (t) => {
  const result = resolvePrometheusAddress('http://prom:9090', undefined, []);
  t.match(result, { ok: false, error: /allowed: none/ });
});
