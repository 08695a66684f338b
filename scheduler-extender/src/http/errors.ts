// Every error the extender's HTTP API can answer with: a code, an HTTP status and a message.
// Bodies keep the protocol's shape (`Error` is what kube-scheduler logs) plus a `Code`.

export const ERRORS = {
  MALFORMED_JSON: { status: 400, message: 'request body is not valid JSON' },
  INVALID_ARGS: { status: 400, message: 'request body is not a valid ExtenderArgs' },
  BODY_TOO_LARGE: { status: 413, message: 'request body exceeds the limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'request body must be application/json' },
  NOT_FOUND: { status: 404, message: 'no such endpoint' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  Error: string;
  Code: ErrorCode;
}

export function errorBody(code: ErrorCode, detail?: string): ErrorBody {
  const base = ERRORS[code].message;
  return { Error: detail ? `${base}: ${detail}` : base, Code: code };
}

/** Maps fastify's own error codes (body parsing, limits) onto the catalogue. */
export function classify(error: { code?: string; statusCode?: number }): ErrorCode {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'MALFORMED_JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'BODY_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? 'INVALID_ARGS'
        : 'INTERNAL';
  }
}
