// The paper bench's reading of its samples: steps matched with decisions, and the latencies
// from load start and load end.

import t from 'tap';
import {
  type DecisionRecord,
  replicaSteps,
  type Sample,
  summarizeCurve,
} from '../../../../bench/paper/curve.ts';

const T0 = Date.parse('2026-11-29T19:00:00Z');
const at = (s: number) => T0 + s * 1000;
const sample = (s: number, replicas: number, ready: number, endpoints = ready): Sample => ({
  atMs: at(s),
  replicas,
  ready,
  endpoints,
});
const decision = (id: string, s: number, from: number, to: number): DecisionRecord => ({
  id,
  time: new Date(at(s)).toISOString(),
  from,
  to,
});

const SAMPLES = [
  sample(-1, 1, 1),
  sample(0, 1, 1),
  sample(12.5, 2, 1),
  sample(15, 2, 2, 1),
  sample(16, 2, 2),
  sample(30, 3, 2),
  sample(33, 3, 3),
  sample(100, 1, 3),
  sample(102, 1, 1),
];
const DECISIONS = [
  decision('a', -2, 1, 1),
  decision('b', 12, 1, 2),
  decision('c', 29.5, 2, 3),
  decision('d', 60, 3, 3),
  decision('e', 99.5, 3, 1),
];

t.test('every step of the count is matched with the decision from → to that made it', async (t) => {
  t.same(replicaSteps(SAMPLES, DECISIONS, T0), [
    { atS: 12.5, from: 1, to: 2, decision: 'b' },
    { atS: 30, from: 2, to: 3, decision: 'c' },
    { atS: 100, from: 3, to: 1, decision: 'e' },
  ]);
});

t.test('a step without a decision is reported, and one decision explains one step only', async (t) => {
  const back = [...SAMPLES, sample(110, 2, 1), sample(120, 1, 1), sample(130, 2, 1)];
  const steps = replicaSteps(back, [...DECISIONS, decision('f', 109, 1, 2)], T0);
  t.same(
    steps.slice(3).map((s) => s.decision),
    ['f', undefined, undefined],
    'the second 1 → 2 finds f already used',
  );
});

t.test('latencies from load start (written, Ready, endpoints) and from load end', async (t) => {
  const s = summarizeCurve(SAMPLES, DECISIONS, T0, at(80));
  t.match(s, {
    initialReplicas: 1,
    peakReplicas: 3,
    finalReplicas: 1,
    scaleOutWrittenS: 12.5,
    scaleOutReadyS: 15,
    scaleOutEndpointS: 16,
    scaleInAfterLoadS: 20,
    unexplained: [],
  });
});

t.test('no scale-out: the latencies are absent, not zero', async (t) => {
  const flat = [sample(-1, 1, 1), sample(5, 1, 1), sample(10, 1, 1)];
  const s = summarizeCurve(flat, [], T0, at(8));
  t.equal(s.scaleOutWrittenS, undefined);
  t.equal(s.scaleOutReadyS, undefined);
  t.equal(s.peakReplicas, 1);
  t.same(s.steps, []);
  t.throws(() => summarizeCurve([], [], T0, T0), /no samples/);
});
