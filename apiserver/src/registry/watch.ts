// The watch verb over a store: the initial state (or a resume from a resourceVersion), the
// store's changes filtered through the selectors so objects arrive and leave as they enter
// or exit a selection, bookmarks when asked for, the streaming list's end-of-initial-events
// bookmark, and a 410 Expired end when the revision is compacted. Knows nothing of HTTP.

import { apiVersionOf, type KindDefinition } from '../../../common/apis/kind.ts';
import { errors } from '../../../common/apis/meta/errors.ts';
import type { TypedObject } from '../../../common/apis/meta/types.ts';
import type { ObjectStore, StoreWatch } from '../storage/object-store.ts';
import { selection } from './selection.ts';
import { asServed } from './typed.ts';
import type { ListOptions, WatchOptions, WatchSink } from './types.ts';

/** How often a watch that allows bookmarks gets one, as kube-apiserver's (about a minute). */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 60_000;

export interface WatchSource<Spec, Status> {
  definition: KindDefinition<Spec, Status>;
  store: ObjectStore<TypedObject<Spec, Status>>;
  /** The registry's list (selectors applied, items typed): the initial state. */
  list(namespace: string | undefined, options: ListOptions): Promise<Record<string, unknown>>;
  bookmarkIntervalMs: number;
}

/**
 * Streams changes. Without a resourceVersion (or with "0") the current objects come first
 * as ADDED events, as kube-apiserver does; with one, changes after it, or a 410 Expired
 * end when etcd has compacted it. With allowWatchBookmarks, a BOOKMARK carrying the current
 * resourceVersion comes every bookmark interval, so a quiet watch resumes from a recent one.
 */
export async function watchResource<Spec, Status>(
  source: WatchSource<Spec, Status>,
  namespace: string | undefined,
  options: WatchOptions,
  sink: WatchSink<TypedObject<Spec, Status>>,
): Promise<StoreWatch> {
  const def = source.definition;
  const matches = selection(def, options);
  const version = apiVersionOf(def);
  const typed = (o: TypedObject<Spec, Status>) => asServed(def, o);
  let from: number;
  if (options.sendInitialEvents || !options.resourceVersion || options.resourceVersion === '0') {
    const { resourceVersion: _from, resourceVersionMatch: _match, ...current } = options;
    const initial = (await source.list(namespace, { ...current, limit: 0 })) as {
      metadata: { resourceVersion: string };
      items: TypedObject<Spec, Status>[];
    };
    for (const item of initial.items) sink.event('ADDED', item);
    from = Number(initial.metadata.resourceVersion);
    if (options.sendInitialEvents) {
      // A streaming list (WatchList) ends its initial state with this bookmark.
      sink.event('BOOKMARK', {
        apiVersion: version,
        kind: def.kind,
        metadata: { resourceVersion: String(from), annotations: { 'k8s.io/initial-events-end': 'true' } },
      } as unknown as TypedObject<Spec, Status>);
    }
  } else {
    from = Number(options.resourceVersion);
    if (!Number.isInteger(from) || from < 0)
      throw errors.badRequest(`invalid resource version: ${options.resourceVersion}`);
  }
  return source.store.watch(
    namespace,
    from,
    (e) => {
      if (e.type === 'BOOKMARK') {
        if (options.allowWatchBookmarks) {
          sink.event('BOOKMARK', {
            apiVersion: version,
            kind: def.kind,
            metadata: e.object.metadata,
          } as TypedObject<Spec, Status>);
        }
        return;
      }
      if (e.type === 'ERROR') return;
      const now = matches(e.object);
      // An update can move an object into or out of a selection: watchers see it arrive or leave.
      const before = e.type === 'MODIFIED' && e.previous ? matches(e.previous) : now;
      if (now && before) sink.event(e.type, typed(e.object));
      else if (now) sink.event('ADDED', typed(e.object));
      else if (before) sink.event('DELETED', typed(e.object));
    },
    (error) => sink.end(error),
    options.allowWatchBookmarks ? source.bookmarkIntervalMs : undefined,
  );
}
