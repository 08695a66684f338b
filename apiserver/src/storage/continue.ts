// Paging of lists, shared by every store: continue tokens (the snapshot revision and the key
// to resume from, encoded as kube-apiserver does: base64 JSON with a version marker, so a
// client resuming a list sees the same snapshot), where a list starts, and the page a store
// returns. Pure.

import { errors, type StatusError } from '../../../common/apis/meta/errors.ts';
import type { ListOptions, ListResult } from './object-store.ts';

interface Token {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, nextKeyRelative: string): string {
  const token: Token = { v: 'meta.k8s.io/v1', rv: revision, start: nextKeyRelative };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The revision and relative start key of a token; 400 BadRequest when it is not one of ours. */
export function decodeContinue(text: string): { revision: number; start: string } {
  let token: Partial<Token>;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Token>;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (token.v !== 'meta.k8s.io/v1')
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  if (typeof token.rv !== 'number' || !Number.isInteger(token.rv) || token.rv <= 0) {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
  if (
    typeof token.start !== 'string' ||
    token.start === '' ||
    token.start.includes('..') ||
    token.start.startsWith('/')
  ) {
    throw errors.badRequest('continue key is not valid: encoded start key is not valid');
  }
  return { revision: token.rv, start: token.start };
}

/** Where a list under `prefix` starts: its snapshot revision (0: the latest) and first key. */
export function listStart(prefix: string, options: ListOptions): { revision: number; fromKey?: string } {
  if (!options.continue) return { revision: options.revision ?? 0 };
  const token = decodeContinue(options.continue);
  return { revision: token.revision, fromKey: `${prefix}${token.start}` };
}

/** The page size asked for; 0 means no limit. */
export function pageLimit(options: ListOptions): number {
  return options.limit && options.limit > 0 ? options.limit : 0;
}

/** The 410 Expired for a list at a compacted revision, in kube-apiserver's words. */
export function compactedList(options: ListOptions, revision: number): StatusError {
  return options.continue
    ? errors.expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      )
    : errors.expired(`too old resource version: ${revision}`);
}

/**
 * One page at `revision`. When `remaining` items follow, it carries the token that resumes
 * just after the last key (relative to the list's prefix; a zero byte appended, as
 * kube-apiserver does) and how many remain.
 */
export function listPage<T>(
  items: T[],
  revision: number,
  lastKeyRelative: string | undefined,
  remaining: number,
): ListResult<T> {
  const page: ListResult<T> = { items, resourceVersion: String(revision) };
  if (remaining > 0 && lastKeyRelative !== undefined) {
    page.continue = encodeContinue(revision, `${lastKeyRelative}\x00`);
    page.remainingItemCount = remaining;
  }
  return page;
}
