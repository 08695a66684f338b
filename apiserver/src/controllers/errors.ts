// What a failed Kubernetes API call means for a controller: its HTTP code and metav1.Status
// reason, and whether retrying can cure it. Pure.

import type { Failure } from '../../../common/controller/runtime.ts';
import { ApiError } from '../../../common/kube/client.ts';

export interface ApiFailure {
  code: number;
  reason: string;
  message: string;
  /** The Status's cause types (`details.causes[].reason` on the wire), e.g. NamespaceTerminating. */
  causes: string[];
}

/** The code, reason and message of an error thrown by @kubernetes/client-node or common/kube. */
export function apiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      reason: error.reason || `HTTP${error.code}`,
      message: error.message,
      causes: error.causes.map((c) => c.reason ?? '').filter((c) => c !== ''),
    };
  }
  const e = error as { code?: unknown; body?: unknown; message?: unknown };
  const code = typeof e.code === 'number' ? e.code : 0;
  let status: { reason?: string; message?: string; details?: { causes?: Array<{ reason?: string }> } } = {};
  if (typeof e.body === 'string') {
    try {
      status = JSON.parse(e.body) as typeof status;
    } catch {
      status = {};
    }
  } else if (typeof e.body === 'object' && e.body !== null) {
    status = e.body as typeof status;
  }
  return {
    code,
    reason: status.reason || (code === 0 ? 'NetworkError' : `HTTP${code}`),
    message: status.message || String(e.message ?? error),
    causes: (status.details?.causes ?? []).map((c) => c.reason ?? '').filter((c) => c !== ''),
  };
}

/** The namespace is being deleted: nothing may be created in it, and nothing needs to be. */
export function isNamespaceTerminating(failure: ApiFailure): boolean {
  return failure.causes.includes('NamespaceTerminating');
}

/** Refusals a retry of the same request cannot cure: the spec (or RBAC, or quota) must change. */
export function isPermanent(failure: ApiFailure): boolean {
  return [400, 403, 422].includes(failure.code);
}

/** How the controller runtime counts a failed reconcile: a 409 is a lost race, retried quietly. */
export function classifyFailure(error: unknown): Failure {
  const failure = apiFailure(error);
  return { quiet: failure.code === 409, reason: failure.reason, message: failure.message };
}
