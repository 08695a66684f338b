import t from 'tap';
import { exposedNames, metricNames } from '../../support/promql.ts';

t.test('metric names are what remains of a PromQL expression', async (t) => {
  t.same(
    metricNames(
      'histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{job="a", verb!~"WATCH|x_y"}[5m]))) > 1',
    ),
    ['apiserver_request_duration_seconds_bucket'],
  );
  t.same(
    metricNames(
      'etcd_mvcc_db_total_size_in_bytes{job="e"} / on (instance) etcd_server_quota_backend_bytes > 0.8',
    ),
    ['etcd_mvcc_db_total_size_in_bytes', 'etcd_server_quota_backend_bytes'],
  );
  t.same(metricNames('sum(kubehpc_controller_leader) < 1 or absent(up{job="x"} == 1)'), [
    'kubehpc_controller_leader',
    'up',
  ]);
});

t.test('exposed names come from TYPE lines, histograms expanded, and from samples', async (t) => {
  const names = exposedNames(
    [
      '# HELP a_total A counter.',
      '# TYPE a_total counter',
      '# TYPE b_seconds histogram',
      'b_seconds_bucket{le="1"} 0',
      'c_bytes 12',
    ].join('\n'),
  );
  t.same([...names].sort(), [
    'a_total',
    'b_seconds',
    'b_seconds_bucket',
    'b_seconds_count',
    'b_seconds_sum',
    'c_bytes',
  ]);
});
