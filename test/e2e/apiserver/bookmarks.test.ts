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
