// Reading the soak's heap samples out of a Prometheus text exposition.

import t from 'tap';
import { metricValue } from '../../../../bench/soak/memory.ts';

const exposition = [
  '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
  '# TYPE nodejs_heap_size_used_bytes gauge',
  'nodejs_heap_size_used_bytes 52428800',
  'nodejs_heap_size_used_bytes_total 1',
  'nodejs_heap_space_size_used_bytes{space="old"} 7',
  'kubehpc_nodejs_heap_live_bytes 4.2e7',
  'broken_metric NaN-ish',
].join('\n');

t.test('an unlabelled sample is read by its exact name', async (t) => {
  t.equal(metricValue(exposition, 'nodejs_heap_size_used_bytes'), 52428800);
  t.equal(metricValue(exposition, 'kubehpc_nodejs_heap_live_bytes'), 42_000_000);
});

t.test('a missing, labelled-only or unparsable sample is undefined', async (t) => {
  t.equal(metricValue(exposition, 'nodejs_heap_space_size_used_bytes'), undefined);
  t.equal(metricValue(exposition, 'process_resident_memory_bytes'), undefined);
  t.equal(metricValue(exposition, 'broken_metric'), undefined);
  t.equal(metricValue('', 'nodejs_heap_size_used_bytes'), undefined);
});
