// Which calls recording a revision makes: a service never reported on creates its first
// revision without listing; a create that finds the revision there already (an earlier pass
// ended before its status was written) falls back to listing, as does every later
// generation. The API is a recorder of calls here; the e2e plugin tests (history, rollback)
// drive the real thing.

import type { KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import t from 'tap';
import type { EventInput } from '../../../../../apiserver/src/controllers/events.ts';
import type { ChildClient } from '../../../../../apiserver/src/controllers/projectservice/children.ts';
import { recordRevision } from '../../../../../apiserver/src/controllers/projectservice/history.ts';
import { projectService, UID } from './fixtures.ts';

interface Stored extends KubernetesObject {
  revision: number;
}

function api(stored: Stored[], failCreate?: { code: number }) {
  const calls: string[] = [];
  const objects = {
    list: async () => {
      calls.push('list');
      return { items: stored };
    },
    create: async (o: Stored) => {
      calls.push(`create ${o.metadata?.name}`);
      if (failCreate || stored.some((s) => s.metadata?.name === o.metadata?.name))
        throw Object.assign(new Error('refused'), { code: failCreate?.code ?? 409, body: '{}' });
      stored.push(o);
      return o;
    },
    patch: async (o: Stored) => {
      calls.push(`patch ${o.metadata?.name} ${o.revision}`);
      return o;
    },
  } as unknown as KubernetesObjectApi;
  const children = {
    delete: async (o: KubernetesObject) => {
      calls.push(`delete ${o.metadata?.name}`);
    },
  } as unknown as ChildClient;
  return { objects, children, calls };
}

const owned = (name: string, revision: number): Stored => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name,
    ownerReferences: [
      { apiVersion: 'x', kind: 'ProjectService', name: 'portal', uid: UID, controller: true },
    ],
  },
  revision,
});

t.test('a brand-new service creates its first revision without a list', async (t) => {
  const { objects, children, calls } = api([]);
  const events: EventInput[] = [];
  const ps = projectService({}, { generation: 1 });
  t.equal(await recordRevision(objects, children, ps, events), true);
  t.equal(calls.length, 1);
  t.match(calls[0], /^create portal-[0-9a-f]{10}$/);
  t.same(events, []);
});

t.test('the revision already there: the create falls back to the list, and nothing fails', async (t) => {
  const first = api([]);
  const ps = projectService({}, { generation: 1 });
  await recordRevision(first.objects, first.children, ps, []);
  const name = first.calls[0]?.replace('create ', '') ?? '';
  const { objects, children, calls } = api([owned(name, 1)]);
  const events: EventInput[] = [];
  t.equal(await recordRevision(objects, children, ps, events), true);
  t.same(calls, [`create ${name}`, 'list'], 'listed after the refused create; nothing more to write');
  t.same(events, []);
});

t.test('any other refusal of the create is a Warning, not a retry through the list', async (t) => {
  const { objects, children, calls } = api([], { code: 403 });
  const events: EventInput[] = [];
  t.equal(await recordRevision(objects, children, projectService({}, { generation: 1 }), events), false);
  t.equal(calls.length, 1);
  t.equal(events[0]?.reason, 'RevisionFailed');
});

t.test('a later generation, or one reported on already, lists first', async (t) => {
  for (const ps of [
    projectService({}, { generation: 2 }),
    { ...projectService({}, { generation: 1 }), status: { observedGeneration: 1 } },
  ]) {
    const { objects, children, calls } = api([]);
    t.equal(await recordRevision(objects, children, ps, []), true);
    t.equal(calls[0], 'list');
    t.match(calls[1], /^create portal-/);
  }
});
