// ControllerRevisions of a ProjectService: one per distinct realised spec (replicas left out),
// named by content hash, an old spec coming back renumbered to the top, pruning bounded.

import t from 'tap';
import {
  nextRevision,
  revisionHash,
  revisionSpec,
  revisionsToPrune,
} from '../../../../../apiserver/src/controllers/projectservice/revisions.ts';
import type { ProjectService } from '../../../../../common/apis/apps/v1alpha1/types.ts';

const ps = (image: string, replicas = 2): ProjectService => ({
  apiVersion: 'apps.kubehpc.dev/v1alpha1',
  kind: 'ProjectService',
  metadata: { name: 'portal', namespace: 'climate', uid: 'u-1', generation: 1 },
  spec: { image, replicas, env: [{ name: 'A', value: '1' }] },
});
const rev = (name: string, revision: number) => ({ metadata: { name }, revision });

t.test('the recorded spec leaves out replicas; equal specs hash equal whatever the key order', async (t) => {
  t.same(revisionSpec(ps('img:1', 5).spec), { image: 'img:1', env: [{ name: 'A', value: '1' }] });
  t.equal(revisionHash({ image: 'a', core: true }), revisionHash({ core: true, image: 'a' }));
  t.not(revisionHash({ image: 'a' }), revisionHash({ image: 'b' }));
  t.equal(
    nextRevision(ps('img:1', 1), []).revision.metadata.name,
    nextRevision(ps('img:1', 9), []).revision.metadata.name,
  );
});

t.test('a new spec is created with the next number, owned by the service', async (t) => {
  const first = nextRevision(ps('img:1'), []);
  t.equal(first.action, 'create');
  t.equal(first.revision.revision, 1);
  t.match(first.revision.metadata.name, /^portal-[0-9a-f]{10}$/);
  t.same(first.revision.metadata.ownerReferences[0], {
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    kind: 'ProjectService',
    name: 'portal',
    uid: 'u-1',
    controller: true,
    blockOwnerDeletion: true,
  });
  t.same(first.revision.metadata.labels, { 'kubehpc.dev/service': 'portal' });
  const second = nextRevision(ps('img:2'), [rev(first.revision.metadata.name, 1)]);
  t.same([second.action, second.revision.revision], ['create', 2]);
});

t.test('the current spec again is nothing to do; an older spec again moves to the top', async (t) => {
  const one = nextRevision(ps('img:1'), []).revision.metadata.name;
  const two = nextRevision(ps('img:2'), []).revision.metadata.name;
  t.equal(nextRevision(ps('img:2'), [rev(one, 1), rev(two, 2)]).action, 'none');
  const back = nextRevision(ps('img:1'), [rev(one, 1), rev(two, 2)]);
  t.same([back.action, back.revision.revision, back.revision.metadata.name], ['renumber', 3, one]);
});

t.test('pruning keeps the newest `limit` and never the current one', async (t) => {
  const existing = [rev('a', 1), rev('b', 2), rev('c', 3), rev('d', 4)];
  t.same(revisionsToPrune(existing, 'd', 2).sort(), ['a', 'b']);
  t.same(revisionsToPrune(existing, 'a', 2), ['b'], 'the current revision stays even when old');
  t.same(revisionsToPrune(existing, 'd', 10), []);
});

t.test(
  'data is written with sorted keys, as Go re-encodes it, so metadata patches are not refused',
  async (t) => {
    const service: ProjectService = {
      ...ps('img:1'),
      spec: { image: 'img:1', replicas: 2, ports: [{ port: 80, name: 'http' }], core: false },
    };
    const { revision } = nextRevision(service, []);
    t.equal(
      JSON.stringify(revision.data),
      '{"spec":{"core":false,"image":"img:1","ports":[{"name":"http","port":80}]}}',
      'keys in byte order at every depth, replicas left out',
    );
  },
);
