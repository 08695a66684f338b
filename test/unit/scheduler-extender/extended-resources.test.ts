// Extended resources the extender does not manage (GPUs and the like, issue 14) are the
// default scheduler's business: they neither make a pod the extender's concern nor change what
// it computes for one that is, and they raise no problem.

import t from 'tap';
import { isIndifferent, podDemand } from '../../../common/nodes/demand.ts';
import { filterNodes } from '../../../scheduler-extender/src/engine/evaluate.ts';
import { PREDICATES } from '../../../scheduler-extender/src/predicates/index.ts';
import { amount, disk, pod, vfs, view } from './builders.ts';

const GPUS = { 'nvidia.com/gpu': '2', 'amd.com/gpu': '1', 'example.org/fpga': '1' };

t.test("a pod asking only for GPUs is none of the extender's business", async (t) => {
  const demand = podDemand(pod('gpu', { cpu: '1', ...GPUS }));
  t.same(demand.problems, []);
  t.ok(isIndifferent(demand));
  const out = filterNodes(
    demand,
    ['a', 'b'],
    () => view({ name: 'x', vfs: amount(0) }),
    PREDICATES,
    'exhaustive',
  );
  t.same(out.passed, ['a', 'b']);
  t.equal(out.counts.size, 0, 'no predicate ran');
});

t.test('GPUs beside VFs and local disk leave the managed demand unchanged', async (t) => {
  const managed = { ...vfs(2), ...disk(10) };
  const withGpus = podDemand(pod('p', { ...managed, ...GPUS }, { uid: 'u' }));
  const without = podDemand(pod('p', managed, { uid: 'u' }));
  t.same(withGpus, without);
});
