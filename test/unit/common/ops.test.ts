// The operations endpoints, answered the same way by every program.

import Fastify from 'fastify';
import { Counter, Registry } from 'prom-client';
import t from 'tap';
import { healthAnswer, registerOps, runChecks } from '../../../common/ops.ts';

t.test('all checks pass: a bare ok, or each check listed when verbose', async (t) => {
  const results = [
    { name: 'etcd', failure: undefined },
    { name: 'informers', failure: undefined },
  ];
  t.same(healthAnswer('readyz', results, false), { status: 200, body: 'ok' });
  t.same(healthAnswer('readyz', results, true), {
    status: 200,
    body: '[+]etcd ok\n[+]informers ok\nreadyz check passed\n',
  });
});

t.test('a failing check: 503 naming it and why, whether verbose or not', async (t) => {
  const answer = healthAnswer(
    'livez',
    [
      { name: 'etcd', failure: undefined },
      { name: 'informers', failure: 'pods not synced' },
    ],
    false,
  );
  t.same(answer, {
    status: 503,
    body: '[+]etcd ok\n[-]informers failed: pods not synced\nlivez check failed\n',
  });
});

t.test('a check that throws has failed with its message', async (t) => {
  const results = await runChecks([
    { name: 'boom', check: () => Promise.reject(new Error('cannot reach etcd')) },
    { name: 'fine', check: () => undefined },
  ]);
  t.same(results, [
    { name: 'boom', failure: 'cannot reach etcd' },
    { name: 'fine', failure: undefined },
  ]);
});

t.test('the routes on a fastify app: livez, readyz, healthz (liveness) and metrics', async (t) => {
  const registry = new Registry();
  const scrapes = new Counter({ name: 'test_scrapes_total', help: 'scrapes', registers: [registry] });
  let synced = false;
  const app = Fastify();
  registerOps(app, {
    livez: [],
    readyz: [{ name: 'cache', check: () => (synced ? undefined : 'not synced') }],
    metrics: registry,
    beforeScrape: () => scrapes.inc(),
  });
  t.teardown(() => app.close());
  const cold = await app.inject({ url: '/readyz' });
  t.equal(cold.statusCode, 503);
  t.equal(cold.body, '[-]cache failed: not synced\nreadyz check failed\n');
  t.equal((await app.inject({ url: '/livez' })).statusCode, 200);
  t.equal((await app.inject({ url: '/healthz' })).body, 'ok', 'healthz is liveness');
  synced = true;
  t.equal((await app.inject({ url: '/readyz' })).body, 'ok');
  t.equal((await app.inject({ url: '/readyz?verbose' })).body, '[+]cache ok\nreadyz check passed\n');
  const metrics = await app.inject({ url: '/metrics' });
  t.match(metrics.headers['content-type'], /^text\/plain/);
  t.match(metrics.body, /^test_scrapes_total 1$/m, 'gauges refreshed right before the scrape');
});
