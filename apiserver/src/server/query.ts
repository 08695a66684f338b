// Query parameters of resource requests decoded into the registry's options: dryRun,
// fieldValidation and fieldManager of writes, limit/continue/selectors/resourceVersion of
// lists and watches, propagationPolicy and preconditions of deletes. Bad values are 400s.
// Pure.

import { type FieldValidation, parseFieldValidation } from '../../../common/apis/decode.ts';
import { errors } from '../../../common/apis/meta/errors.ts';
import type { Requester } from '../registry/strategy.ts';
import type { DeleteOptions, ListOptions, WriteOptions } from '../registry/types.ts';

export interface Query {
  [key: string]: string | undefined;
}

/** kube-apiserver's default field manager: the User-Agent's program name. */
function managerOf(query: Query, userAgent: string | undefined): string | undefined {
  if (query.fieldManager) {
    if (query.fieldManager.length > 128)
      throw errors.badRequest('fieldManager must not be longer than 128 characters');
    return query.fieldManager;
  }
  const program = userAgent?.split('/')[0]?.trim();
  return program ? program.slice(0, 128) : undefined;
}

export function writeOptions(
  query: Query,
  userAgent?: string,
  requester?: Requester,
  fallback: FieldValidation = 'Strict',
): WriteOptions {
  const dryRun = query.dryRun;
  if (dryRun !== undefined && dryRun !== 'All' && dryRun !== '') {
    throw errors.badRequest(`Invalid dry run value: ${dryRun}: supported values: "All"`);
  }
  const fieldManager = managerOf(query, userAgent);
  return {
    dryRun: dryRun === 'All',
    fieldValidation: parseFieldValidation(query.fieldValidation, fallback),
    ...(fieldManager ? { fieldManager } : {}),
    ...(requester ? { requester } : {}),
  };
}

export function listOptions(query: Query): ListOptions {
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
    throw errors.badRequest(`invalid limit: ${query.limit}`);
  const timeout = query.timeoutSeconds === undefined ? undefined : Number(query.timeoutSeconds);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0))
    throw errors.badRequest(
      `invalid timeoutSeconds: ${query.timeoutSeconds}: must be a non-negative integer`,
    );
  return {
    ...(limit ? { limit } : {}),
    ...(query.continue ? { continue: query.continue } : {}),
    ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
    ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
    ...(query.resourceVersion ? { resourceVersion: query.resourceVersion } : {}),
    ...(query.resourceVersionMatch ? { resourceVersionMatch: query.resourceVersionMatch } : {}),
  };
}

export function deleteOptions(query: Query, body: unknown): DeleteOptions {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    propagationPolicy?: string;
    orphanDependents?: boolean;
    preconditions?: { uid?: string; resourceVersion?: string };
    dryRun?: string[];
  };
  const policy =
    query.propagationPolicy ??
    b.propagationPolicy ??
    (b.orphanDependents === true || query.orphanDependents === 'true' ? 'Orphan' : undefined);
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.badRequest(
      `propagationPolicy must be one of Orphan, Background, Foreground, got "${policy}"`,
    );
  }
  const dryRun = query.dryRun === 'All' || (b.dryRun ?? []).includes('All');
  return {
    dryRun,
    ...(b.preconditions ? { preconditions: b.preconditions } : {}),
    ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] & string } : {}),
  };
}

/**
 * Whether a delete that finalizers hold is answered 202 Accepted: only when the client asked for
 * cascading deletion with `orphanDependents=false`, as kube-apiserver does (200 otherwise).
 */
export function acceptedWhenHeld(query: Query, body: unknown): boolean {
  if (query.orphanDependents === 'false') return true;
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { orphanDependents?: unknown }).orphanDependents === false
  );
}

/** What a Table row carries of its object (?includeObject=), Metadata by default. */
export function includeObject(query: Query): 'None' | 'Metadata' | 'Object' {
  const v = query.includeObject;
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
