// A watch with allowWatchBookmarks=true gets a BOOKMARK every bookmark interval carrying the
// current resourceVersion (so a quiet watch resumes from a recent revision instead of one
// etcd may have compacted); a watch that did not ask for bookmarks never gets one.

import t from 'tap';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { call, openWatch, PS_PATH, projectService, startTestServer } from './support.ts';

const server = await startTestServer({ args: ['--watch-bookmark-interval=200ms'] });
t.teardown(() => server.running.stop());
const { port } = server;
const ns = await testNamespace(t, 'bookmarks');

const rvOf = (o: Record<string, unknown>) =>
  Number((o.metadata as { resourceVersion: string }).resourceVersion);

t.test('periodic bookmarks carry the current resourceVersion', async (t) => {
  const listed = await call(port, 'GET', PS_PATH(ns));
  const from = (listed.json.metadata as { resourceVersion: string }).resourceVersion;
  const withBookmarks = openWatch(
    port,
    `${PS_PATH(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion=${from}`,
  );
  const without = openWatch(port, `${PS_PATH(ns)}?watch=true&resourceVersion=${from}`);
  t.teardown(() => {
    withBookmarks.stop();
    without.stop();
  });
  await eventually('both watches to open', async () =>
    withBookmarks.status() === 200 && without.status() === 200 ? true : undefined,
  );

  const created = await call(port, 'POST', PS_PATH(ns), { body: projectService('quiet') });
  t.equal(created.status, 201);
  const written = rvOf(created.json);
  const bookmark = await eventually('a bookmark at or after the write', async () =>
    withBookmarks.events.find((e) => e.type === 'BOOKMARK' && rvOf(e.object) >= written),
  );
  t.same(
    { apiVersion: bookmark.object.apiVersion, kind: bookmark.object.kind },
    { apiVersion: 'apps.kubehpc.dev/v1alpha1', kind: 'ProjectService' },
  );
  const added = withBookmarks.events.findIndex((e) => e.type === 'ADDED');
  t.ok(added >= 0 && added < withBookmarks.events.indexOf(bookmark), 'the write came before the bookmark');

  // Bookmarks keep coming on a watch with nothing to report.
  const seen = withBookmarks.events.length;
  await eventually('another bookmark', async () =>
    withBookmarks.events.slice(seen).some((e) => e.type === 'BOOKMARK') ? true : undefined,
  );
  await eventually('the ADDED event on the other watch', async () =>
    without.events.length > 0 ? true : undefined,
  );
  t.same(
    without.events.map((e) => e.type),
    ['ADDED'],
    'no bookmarks unless asked for',
  );
});

t.test(
  'metadata-only and Table watches get every event, bookmarks included, in the requested kind',
  async (t) => {
    const listed = await call(port, 'GET', PS_PATH(ns));
    const from = (listed.json.metadata as { resourceVersion: string }).resourceVersion;
    const path = `${PS_PATH(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion=${from}`;
    const metadataWatch = openWatch(port, path, 'admin', {
      Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
    });
    const tableWatch = openWatch(port, path, 'admin', {
      Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json',
    });
    const streamed = openWatch(
      port,
      `${PS_PATH(ns)}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`,
      'admin',
      { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' },
    );
    t.teardown(() => {
      metadataWatch.stop();
      tableWatch.stop();
      streamed.stop();
    });
    await eventually('the watches to open', async () =>
      metadataWatch.status() === 200 && tableWatch.status() === 200 ? true : undefined,
    );
    t.equal((await call(port, 'POST', PS_PATH(ns), { body: projectService('meta-watched') })).status, 201);
    for (const [name, w, kind] of [
      ['metadata', metadataWatch, 'PartialObjectMetadata'],
      ['table', tableWatch, 'Table'],
    ] as const) {
      await eventually(`${name}: an ADDED event and a bookmark after it`, async () => {
        const added = w.events.findIndex((e) => e.type === 'ADDED');
        return added >= 0 && w.events.slice(added).some((e) => e.type === 'BOOKMARK') ? true : undefined;
      });
      const kinds = new Set(
        w.events.map((e) => `${e.type}:${String(e.object.apiVersion)}/${String(e.object.kind)}`),
      );
      t.same(
        [...kinds].sort(),
        [`ADDED:meta.k8s.io/v1/${kind}`, `BOOKMARK:meta.k8s.io/v1/${kind}`],
        `${name}: every event is a ${kind}`,
      );
    }
    const bookmark = metadataWatch.events.find((e) => e.type === 'BOOKMARK');
    t.match(
      (bookmark?.object.metadata as { resourceVersion?: string } | undefined)?.resourceVersion,
      /^\d+$/,
    );
    const tableBookmark = tableWatch.events.find((e) => e.type === 'BOOKMARK');
    const rows = tableBookmark?.object.rows as Array<{ object: { kind: string; metadata: object } }>;
    t.equal(rows[0]?.object.kind, 'PartialObjectMetadata', 'the row carries the bookmark metadata');
    t.match(rows[0]?.object.metadata, { resourceVersion: /^\d+$/ });

    await eventually('the initial-events-end bookmark of a metadata-only streaming list', async () =>
      streamed.events.find((e) => e.type === 'BOOKMARK'),
    );
    const end = streamed.events.find((e) => e.type === 'BOOKMARK');
    t.equal(end?.object.kind, 'PartialObjectMetadata');
    t.same((end?.object.metadata as { annotations?: object } | undefined)?.annotations, {
      'k8s.io/initial-events-end': 'true',
    });
  },
);
