// A ProjectService's history as ControllerRevisions (apps/v1), the way DaemonSets and
// StatefulSets keep theirs: each spec the controller realised is recorded once, named by a
// hash of its content, owned by the service (so it goes when the service goes), numbered in
// order; a spec equal to an older revision moves that revision to the top instead of adding a
// copy; the oldest beyond a limit are pruned. `kubectl hpc rollback` re-applies one.
// The recorded spec leaves out replicas: a rollback changes what runs, not how many (as with
// `kubectl rollout undo`). Pure: the controller does the reads and writes.

import { createHash } from 'node:crypto';
import type { ProjectService, ProjectServiceSpec } from '../../../../common/apis/apps/v1alpha1/types.ts';
import { API_VERSION, APPS_GROUP, SERVICE_LABEL } from '../../../../common/names.ts';
import { canonicalJson } from '../../../../common/object.ts';

/** How many revisions a service keeps (DaemonSet's default revisionHistoryLimit). */
export const REVISION_HISTORY_LIMIT = 10;

export interface ControllerRevision {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: true;
      blockOwnerDeletion: true;
    }[];
  };
  revision: number;
  data: { spec: Omit<ProjectServiceSpec, 'replicas'> };
}

/** What a revision records: the spec without replicas. */
export function revisionSpec(spec: ProjectServiceSpec): Omit<ProjectServiceSpec, 'replicas'> {
  const { replicas: _replicas, ...rest } = spec;
  return rest;
}

/** A short, name-safe hash of a recorded spec. */
export function revisionHash(spec: Omit<ProjectServiceSpec, 'replicas'>): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 10);
}

/** What is needed of a revision already stored. */
export interface StoredRevision {
  metadata: { name: string };
  revision: number;
}

/** The revision to write for the spec just realised: unchanged, moved to the top, or new. */
export function nextRevision(
  ps: ProjectService,
  existing: readonly StoredRevision[],
): { revision: ControllerRevision; action: 'none' | 'renumber' | 'create' } {
  const spec = revisionSpec(ps.spec);
  const name = `${ps.metadata.name}-${revisionHash(spec)}`;
  const top = existing.reduce((max, r) => Math.max(max, r.revision), 0);
  const same = existing.find((r) => r.metadata.name === name);
  const revision: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: ps.metadata.namespace ?? '',
      labels: { [SERVICE_LABEL]: ps.metadata.name ?? '' },
      ownerReferences: [
        {
          apiVersion: `${APPS_GROUP}/${API_VERSION}`,
          kind: 'ProjectService',
          name: ps.metadata.name ?? '',
          uid: ps.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    revision: same && same.revision === top ? same.revision : top + 1,
    // Keys sorted, as Go's encoding/json writes maps: the API server compares a revision's
    // data byte for byte, and any patch of its metadata (the garbage collector orphaning it)
    // re-encodes data that way — unsorted, every such patch is refused as "immutable".
    data: JSON.parse(canonicalJson({ spec })) as { spec: Omit<ProjectServiceSpec, 'replicas'> },
  };
  return { revision, action: !same ? 'create' : same.revision === top ? 'none' : 'renumber' };
}

/** Names of the revisions to delete: the oldest beyond the limit, never the current one. */
export function revisionsToPrune(
  existing: readonly StoredRevision[],
  current: string,
  limit = REVISION_HISTORY_LIMIT,
): string[] {
  const byAge = [...existing].sort((a, b) => b.revision - a.revision);
  return byAge
    .slice(limit)
    .map((r) => r.metadata.name)
    .filter((n) => n !== current);
}
