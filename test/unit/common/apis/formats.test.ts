import t, { type Test } from 'tap';
import {
  absolutePath,
  cronExpression,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  duration,
  imageReference,
  labelValue,
  portName,
  qualifiedName,
  quantity,
  timeZone,
} from '../../../../common/apis/formats.ts';
import { parseDuration } from '../../../../common/duration.ts';

type T = Test;
const valid = (t: T, check: (v: string) => string[], values: string[]) => {
  for (const v of values) t.same(check(v), [], `${check.name} accepts ${JSON.stringify(v)}`);
};
const invalid = (t: T, check: (v: string) => string[], values: string[]) => {
  for (const v of values) t.ok(check(v).length > 0, `${check.name} rejects ${JSON.stringify(v)}`);
};

t.test('DNS names', async (t) => {
  valid(t, dns1123Label, ['a', 'portal', '123-abc', 'a'.repeat(63)]);
  invalid(t, dns1123Label, ['', 'Portal', '-a', 'a-', 'a.b', 'a'.repeat(64), 'a_b']);
  valid(t, dns1123Subdomain, ['a.b.c', 'example.com', 'x']);
  invalid(t, dns1123Subdomain, ['a..b', '.a', 'A.b', 'a'.repeat(254)]);
  valid(t, dns1035Label, ['portal', 'a1']);
  invalid(t, dns1035Label, ['1portal', 'portal.x', '']);
});

t.test('port names follow IANA_SVC_NAME', async (t) => {
  valid(t, portName, ['http', 'grpc-web', 'h2c']);
  invalid(t, portName, ['HTTP', '8080', 'a--b', '-http', 'a-very-long-port-name', '']);
});

t.test('label keys and values', async (t) => {
  valid(t, qualifiedName, ['app', 'kubehpc.dev/project', 'A_b.c']);
  invalid(t, qualifiedName, ['', '/x', 'a/b/c', 'bad prefix/x', '-a', `x/${'a'.repeat(64)}`]);
  valid(t, labelValue, ['', 'v1', 'My_value']);
  invalid(t, labelValue, ['-v', 'a b', 'a'.repeat(64)]);
});

t.test('image references follow the distribution grammar', async (t) => {
  valid(t, imageReference, [
    'nginx',
    'nginx:1.27',
    'registry.example/portal:1.4.2',
    'localhost:5000/team/app',
    'ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'registry.example:443/a/b:tag@sha256:0123456789abcdef0123456789abcdef',
  ]);
  invalid(t, imageReference, [
    '',
    'Nginx',
    'nginx:',
    'nginx:-bad',
    'a//b',
    'reg.example/app@sha256:short',
    'has space',
  ]);
});

t.test('cron expressions: five fields within range, names, steps and macros', async (t) => {
  valid(t, cronExpression, [
    '0 8 * * 1-5',
    '*/15 * * * *',
    '0 0 1 JAN,jul SUN',
    '5,10 1-3/2 * * *',
    '@hourly',
    '0 0 ? * 7',
  ]);
  invalid(t, cronExpression, [
    '',
    '0 8 * *',
    '0 8 * * 1-5 2026',
    '60 * * * *',
    '0 24 * * *',
    '0 0 0 * *',
    '0 0 * 13 *',
    '0 0 * * 8',
    '*/0 * * * *',
    '5-1 * * * *',
    'TZ=UTC 0 8 * * *',
    '@every',
    'a * * * *',
  ]);
  t.match(cronExpression('0 25 * * *')[0], /hour is out of range 0-23/);
  t.match(cronExpression('0 0 * 13 *')[0], /month is out of range 1-12/);
  t.same(cronExpression('0 0 31 2 *'), ['never fires'], 'a valid pattern with no date is refused');
});

t.test('time zones are IANA names spelt exactly', async (t) => {
  valid(t, timeZone, ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/Argentina/Buenos_Aires']);
  invalid(t, timeZone, ['', 'asia/shanghai', 'Mars/Olympus', 'GMT+25', 'Asia/']);
});

t.test('durations', async (t) => {
  t.equal(parseDuration('2h'), 7200);
  t.equal(parseDuration('1h30m'), 5400);
  t.equal(parseDuration('1.5s'), 1.5);
  t.equal(parseDuration('500ms'), 0.5, 'milliseconds, not minutes');
  t.equal(parseDuration('2 h'), undefined);
  valid(t, duration, ['90s', '30m', '500ms']);
  invalid(t, duration, ['', '0s', '2d', 'h', '-1h']);
});

t.test('quantities and paths', async (t) => {
  valid(t, quantity, ['1', '500m', '4Gi', '1.5e3']);
  invalid(t, quantity, ['', '4GB', 'one', ' 1']);
  valid(t, absolutePath, ['/app/config', '/']);
  invalid(t, absolutePath, ['app', '/a/../b', '/a:b']);
});
