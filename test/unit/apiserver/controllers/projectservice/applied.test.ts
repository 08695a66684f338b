import t from 'tap';
import {
  AppliedMemory,
  appliedText,
  needsApply,
} from '../../../../../apiserver/src/controllers/projectservice/applied.ts';
import { type Drift, drift } from '../../../../../apiserver/src/controllers/projectservice/drift.ts';
import { render } from '../../../../../apiserver/src/controllers/projectservice/render.ts';
import { projectService, UID } from './fixtures.ts';

const IN_SYNC = { state: 'InSync' } as const;

t.test('between generations an in-sync child is never applied; a drifted one always is', async (t) => {
  const text = appliedText(render(projectService()).deployment);
  t.equal(needsApply(IN_SYNC, false, undefined, text), false, 'nothing applied this term, still no write');
  t.equal(needsApply(IN_SYNC, false, 'other', text), false);
  const drifted: Drift[] = [
    { state: 'Missing' },
    { state: 'Changed', differences: [{ path: 'spec.replicas', desired: 2, live: 1 }] },
    { state: 'Replace', differences: [{ path: 'spec.selector', desired: {}, live: {} }] },
  ];
  for (const found of drifted) {
    t.equal(needsApply(found, false, text, text), true, `${found.state} is applied`);
    t.equal(needsApply(found, true, text, text), true, `${found.state} on a new generation too`);
  }
});

t.test('on a new generation an in-sync child is applied once per distinct render', async (t) => {
  const v1 = appliedText(render(projectService({ replicas: 1 })).deployment);
  const v2 = appliedText(render(projectService({ replicas: 2 })).deployment);
  t.equal(needsApply(IN_SYNC, true, undefined, v1), true, 'unknown: applied (it may drop fields)');
  t.equal(needsApply(IN_SYNC, true, v1, v2), true, 'another render: applied');
  t.equal(needsApply(IN_SYNC, true, v2, v2), false, 'the same render again: skipped');
});

t.test('a render that drops a field is applied even though drift sees it in sync', async (t) => {
  // drift looks only at rendered fields, so an env var the new spec dropped is invisible to it.
  const withEnv = render(projectService({ env: [{ name: 'A', value: '1' }] })).deployment;
  const without = render(projectService()).deployment;
  t.equal(drift(without, withEnv, UID).state, 'InSync', 'drift cannot see the dropped field');
  t.equal(needsApply(IN_SYNC, true, appliedText(withEnv), appliedText(without)), true);
});

t.test('the applied text keeps a config file named __proto__', async (t) => {
  const files = JSON.parse('{"__proto__":"a=1","b.conf":"2"}') as Record<string, string>;
  const cm = render(projectService({ config: { mountPath: '/etc/app', files } })).configMap;
  t.match(appliedText(cm), /"data":\{"__proto__":"a=1","b\.conf":"2"\}/);
});

t.test('the memory is per service and child, forgotten per child or per service', async (t) => {
  const m = new AppliedMemory();
  m.remember('ns/a', 'deployment', 'd');
  m.remember('ns/a', 'configMap', 'c');
  m.remember('ns/b', 'deployment', 'x');
  t.equal(m.get('ns/a', 'deployment'), 'd');
  t.equal(m.get('ns/b', 'configMap'), undefined);
  m.forget('ns/a', 'configMap');
  t.equal(m.get('ns/a', 'configMap'), undefined);
  t.equal(m.get('ns/a', 'deployment'), 'd', 'other children stay');
  m.forget('ns/a');
  t.equal(m.get('ns/a', 'deployment'), undefined);
  t.equal(m.size, 1, 'other services stay');
});
