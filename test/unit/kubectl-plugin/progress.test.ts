// --wait's verdicts and the Pending reasons it shows, from status and pods.

import t from 'tap';
import { type PodLike, progressOf } from '../../../kubectl-plugin/src/deploy/progress.ts';

const ps = (phase: string, observed = 2) => ({
  metadata: { name: 'p', generation: 2 },
  spec: { replicas: 3 },
  status: {
    phase,
    readyReplicas: 1,
    updatedReplicas: 3,
    observedGeneration: observed,
    conditions: [{ type: 'Ready', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'stalled' }],
  },
});
const unschedulable = (name: string): PodLike => ({
  metadata: { name },
  status: {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/4 nodes are available: 4 VFs split across NUMA zones.',
      },
    ],
  },
});

t.test('Pending pods are summarised by reason with counts', async (t) => {
  const pods: PodLike[] = [
    unschedulable('a'),
    unschedulable('b'),
    {
      metadata: { name: 'c' },
      spec: { nodeName: 'n' },
      status: {
        phase: 'Pending',
        containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff', message: 'no such image' } } }],
      },
    },
    { metadata: { name: 'd' }, spec: { nodeName: 'n' }, status: { phase: 'Running' } },
  ];
  const p = progressOf(ps('Progressing'), pods);
  t.equal(p.state, 'waiting');
  t.equal(p.summary, '1/3 ready, 3 updated, phase Progressing');
  t.same(p.pending, [
    '2 pods Unschedulable: 0/4 nodes are available: 4 VFs split across NUMA zones.',
    '1 pod ImagePullBackOff: no such image',
  ]);
});

t.test('done only when the current generation runs; failure carries the Ready message', async (t) => {
  t.equal(progressOf(ps('Running'), []).state, 'done');
  t.equal(progressOf(ps('Running', 1), []).state, 'waiting', 'an older generation running is not done');
  const failed = progressOf(ps('Failed'), []);
  t.same([failed.state, failed.failure], ['failed', 'ProgressDeadlineExceeded: stalled']);
});
