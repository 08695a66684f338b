import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { schedulerConfiguration } from '../../../platform/src/components/specs.ts';
import { layout } from '../../../platform/src/layout.ts';

const shipped = parse(
  readFileSync(
    new URL('../../../manifests/scheduler-extender/kube-scheduler-config.yaml', import.meta.url),
    'utf8',
  ),
) as { extenders: Array<Record<string, unknown>> };
const local = schedulerConfiguration(layout(), false) as { extenders: Array<Record<string, unknown>> };

t.test('the shipped KubeSchedulerConfiguration wires the extender as the local platform does', async (t) => {
  const [a] = shipped.extenders;
  const [b] = local.extenders;
  t.ok(a && b);
  const { urlPrefix: _a, ...shippedEntry } = a ?? {};
  const { urlPrefix: _b, ...localEntry } = b ?? {};
  t.same(shippedEntry, localEntry, 'everything but the address is the same');
});

t.test('it is node-cache capable, not ignorable, and manages the shared resources', async (t) => {
  // Spelled out here, as kube-scheduler reads them, rather than taken from the constants the
  // configuration is built from.
  for (const [source, [entry]] of [
    ['shipped', shipped.extenders],
    ['local', local.extenders],
  ] as const) {
    t.match(
      entry,
      { nodeCacheCapable: true, ignorable: false, filterVerb: 'filter', prioritizeVerb: 'prioritize' },
      source,
    );
    t.same(
      entry?.managedResources,
      [
        { name: 'kubehpc.dev/sriov-vf', ignoredByScheduler: false },
        { name: 'kubehpc.dev/local-disk', ignoredByScheduler: true },
        { name: 'kubehpc.dev/placement', ignoredByScheduler: true },
      ],
      source,
    );
  }
});

t.test('single-round-trip mode: one filter verb that narrows, no prioritize verb', async (t) => {
  const [entry] = (schedulerConfiguration(layout(), true) as { extenders: Array<Record<string, unknown>> })
    .extenders;
  t.equal(entry?.filterVerb, 'filter-best');
  t.notOk(entry && 'prioritizeVerb' in entry, 'kube-scheduler makes no prioritize call');
  t.match(entry, { nodeCacheCapable: true, ignorable: false });
});
