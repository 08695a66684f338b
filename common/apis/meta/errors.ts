// The error catalogue: every failure a client can see is a StatusError carrying a
// metav1.Status (code, reason, message, details.causes), as k8s.io/apimachinery/pkg/api/errors
// builds them. Storage, registry and server throw these; the server renders them as is.

import type { FieldError } from '../field.ts';
import { summary } from '../field.ts';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason | '';
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export class StatusError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message);
    this.name = 'StatusError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
}

export interface Target {
  group: string;
  /** Plural resource name (`projectservices`). */
  resource: string;
  name?: string;
}

function qualified(t: Target): string {
  return t.group === '' ? t.resource : `${t.resource}.${t.group}`;
}

function make(code: number, reason: StatusReason, message: string, details?: Status['details']): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function targetDetails(t: Target): NonNullable<Status['details']> {
  return { ...(t.name !== undefined ? { name: t.name } : {}), group: t.group, kind: t.resource };
}

export const errors = {
  badRequest: (message: string) => make(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => make(401, 'Unauthorized', message),
  /** Shaped like kube-apiserver's RBAC denial. */
  forbidden: (user: string, verb: string, t: Target, namespace: string | undefined, why = '') =>
    make(
      403,
      'Forbidden',
      `${qualified(t)}${t.name ? ` "${t.name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${t.resource}" in API group "${t.group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}${why ? `: ${why}` : ''}`,
      targetDetails(t),
    ),
  forbiddenPath: (user: string, verb: string, path: string) =>
    make(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {}),
  namespaceTerminating: (namespace: string) =>
    make(
      403,
      'Forbidden',
      `unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        name: namespace,
        kind: 'namespaces',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      },
    ),
  notFound: (t: Target) =>
    make(404, 'NotFound', `${qualified(t)} "${t.name ?? ''}" not found`, targetDetails(t)),
  pathNotFound: (path: string) =>
    make(404, 'NotFound', `the server could not find the requested resource (${path})`),
  methodNotSupported: (t: Target, method: string) =>
    make(
      405,
      'MethodNotAllowed',
      `${method} is not supported on resources of kind "${qualified(t)}"`,
      targetDetails(t),
    ),
  notAcceptable: (accepted: string[]) =>
    make(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`),
  alreadyExists: (t: Target) =>
    make(409, 'AlreadyExists', `${qualified(t)} "${t.name ?? ''}" already exists`, targetDetails(t)),
  conflict: (t: Target, why: string) =>
    make(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)} "${t.name ?? ''}": ${why}`,
      targetDetails(t),
    ),
  expired: (message: string) => make(410, 'Expired', message),
  gone: (message: string) => make(410, 'Gone', message),
  tooLarge: (message = 'Request entity too large: limit is 3145728') =>
    make(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (contentType: string, accepted: string[]) =>
    make(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format${contentType ? ` (${contentType})` : ''} - accepted media types include: ${accepted.join(', ')}`,
    ),
  invalid: (kind: { group: string; kind: string }, name: string, causes: readonly FieldError[]) =>
    make(422, 'Invalid', `${kind.kind}.${kind.group} "${name}" is invalid: ${summary(causes)}`, {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: causes.map((c) => ({ reason: c.type, message: c.message, field: c.field })),
    }),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    make(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) => make(500, 'InternalError', `Internal error occurred: ${message}`),
  unavailable: (message: string) => make(503, 'ServiceUnavailable', message),
  timeout: (message: string) => make(504, 'Timeout', message),
};

export function isStatusError(error: unknown): error is StatusError {
  return error instanceof StatusError;
}
