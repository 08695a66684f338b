import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { SCHEDULER_EXTENDER_MANAGED_RESOURCES, SCHEDULER_EXTENDER_VERBS } from '../../../common/names.ts';
import { schedulerConfiguration } from '../../../platform/src/components/specs.ts';
import { layout } from '../../../platform/src/layout.ts';

const shipped = parse(
  readFileSync(
    new URL('../../../manifests/scheduler-extender/kube-scheduler-config.yaml', import.meta.url),
    'utf8',
  ),
) as { extenders: Array<Record<string, unknown>> };
const local = schedulerConfiguration(layout()) as { extenders: Array<Record<string, unknown>> };

t.test('the shipped KubeSchedulerConfiguration wires the extender as the local platform does', async (t) => {
  const [a] = shipped.extenders;
  const [b] = local.extenders;
  t.ok(a && b);
  const { urlPrefix: _a, ...shippedEntry } = a ?? {};
  const { urlPrefix: _b, ...localEntry } = b ?? {};
  t.same(shippedEntry, localEntry, 'everything but the address is the same');
});

t.test('it is node-cache capable, not ignorable, and manages the shared resources', async (t) => {
  const [entry] = local.extenders;
  t.match(entry, {
    nodeCacheCapable: true,
    ignorable: false,
    filterVerb: SCHEDULER_EXTENDER_VERBS.filter,
    prioritizeVerb: SCHEDULER_EXTENDER_VERBS.prioritize,
  });
  t.same(entry?.managedResources, SCHEDULER_EXTENDER_MANAGED_RESOURCES);
});
