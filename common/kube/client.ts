// A small HTTPS client for the Kubernetes API over a RestConfig: JSON in and out, errors as
// values with the API's own words (metav1.Status), streaming for watches and logs. It does
// not import @kubernetes/client-node, so a command-line tool starts fast.

import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { type Credentials, credentials } from './credentials.ts';
import type { RestConfig } from './kubeconfig.ts';

// node:http and node:https through require, not import: an ES import of them builds a module
// facade that reads every export, including the lazy fetch/WebSocket ones, which loads undici —
// tens of milliseconds on every start of `kubectl hpc` for nothing it uses.
const load = createRequire(import.meta.url);
const { request: httpRequest } = load('node:http') as typeof import('node:http');
const { Agent, request: httpsRequest } = load('node:https') as typeof import('node:https');

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The API answered with an error status (a metav1.Status, or what we could make of the body). */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: number;
  readonly reason: string;
  readonly causes: StatusCause[];
  readonly method: string;
  readonly path: string;
  readonly details: { name?: string | undefined; kind?: string | undefined; group?: string | undefined };
  constructor(
    code: number,
    reason: string,
    message: string,
    causes: StatusCause[],
    method: string,
    path: string,
    details: ApiError['details'] = {},
  ) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.causes = causes;
    this.method = method;
    this.path = path;
    this.details = details;
  }
}

/** The API server could not be reached at all. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  readonly server: string;
  readonly why: string;
  constructor(server: string, why: string) {
    super(`cannot reach the cluster at ${server}: ${why}`);
    this.server = server;
    this.why = why;
  }
}

export interface RequestOptions {
  body?: unknown;
  /** Content type of the body; JSON by default (apply patches: application/apply-patch+yaml). */
  contentType?: string;
  accept?: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  /** Abandons the request after this many milliseconds (0: never). */
  timeoutMs?: number;
}

export interface KubeClient {
  readonly config: RestConfig;
  /** A request whose 2xx JSON answer is returned; any other answer throws ApiError. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** A streaming GET: calls onLine per line until the server ends it or the signal aborts. */
  stream(
    path: string,
    query: RequestOptions['query'],
    onLine: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  close(): void;
}

/** The query string of a request, undefined values left out. Pure. */
export function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== '') params.append(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** An ApiError from a non-2xx answer's body and code. Pure. */
export function apiError(code: number, body: string, method: string, path: string): ApiError {
  let status: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (parsed && parsed.kind === 'Status') status = parsed;
  } catch {}
  const details = (status?.details ?? {}) as {
    causes?: StatusCause[];
    name?: string;
    kind?: string;
    group?: string;
  };
  const fallback = body.trim().slice(0, 300) || `HTTP ${code}`;
  return new ApiError(
    code,
    typeof status?.reason === 'string' ? status.reason : '',
    typeof status?.message === 'string' ? status.message : fallback,
    Array.isArray(details.causes) ? details.causes : [],
    method,
    path,
    { name: details.name, kind: details.kind, group: details.group },
  );
}

function headersFor(
  config: RestConfig,
  creds: Credentials,
  userAgent: string,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { 'User-Agent': userAgent };
  if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
  else if (config.basic)
    headers.Authorization = `Basic ${Buffer.from(`${config.basic.username}:${config.basic.password}`).toString('base64')}`;
  if (config.impersonate) {
    headers['Impersonate-User'] = config.impersonate.user;
    if (config.impersonate.groups.length > 0) headers['Impersonate-Group'] = config.impersonate.groups;
  }
  return headers;
}

/**
 * A client for one cluster. `userAgent` names the program in the API server's audit log and
 * metrics (kube-apiserver's apiserver_request_total has no user-agent label, its audit events do).
 */
export async function kubeClient(
  config: RestConfig,
  defaultTimeoutMs = 0,
  userAgent = 'kubectl-hpc',
): Promise<KubeClient> {
  const creds = await credentials(config);
  const url = new URL(config.server);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new Agent({
        keepAlive: true,
        ca: config.ca,
        cert: creds.cert,
        key: creds.key,
        rejectUnauthorized: !config.insecure,
        servername: config.tlsServerName,
      })
    : undefined;
  const base = url.pathname.replace(/\/+$/, '');
  const baseHeaders = headersFor(config, creds, userAgent);

  const open = (
    method: string,
    path: string,
    options: RequestOptions,
    onResponse: (res: IncomingMessage) => void,
    onError: (error: Error, reusedSocket: boolean) => void,
    signal?: AbortSignal,
  ) => {
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string | string[] | number> = {
      ...baseHeaders,
      Accept: options.accept ?? 'application/json',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = (secure ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? 443 : 80),
        path: `${base}${path}${queryString(options.query)}`,
        method,
        headers,
        ...(agent ? { agent } : {}),
        ...(signal ? { signal } : {}),
      },
      onResponse,
    );
    const timeout = options.timeoutMs ?? defaultTimeoutMs;
    if (timeout > 0)
      req.setTimeout(timeout, () =>
        req.destroy(new Error(`no answer within ${timeout} ms (--request-timeout)`)),
      );
    req.on('error', (error) => onError(error, req.reusedSocket));
    if (payload !== undefined) req.write(payload);
    req.end();
  };

  const unreachable = (error: Error) => {
    const code = (error as NodeJS.ErrnoException).code;
    return new UnreachableError(config.server, code ? `${code} (${error.message})` : error.message);
  };

  return {
    config,
    request<T>(method: string, path: string, options: RequestOptions = {}) {
      const attempt = (retried: boolean) =>
        new Promise<T>((resolve, reject) => {
          open(
            method,
            path,
            options,
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('error', (e) => reject(unreachable(e)));
              res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                const code = res.statusCode ?? 0;
                if (code < 200 || code >= 300) {
                  reject(apiError(code, text, method, path));
                  return;
                }
                if (!text) {
                  resolve(undefined as T);
                  return;
                }
                try {
                  resolve(JSON.parse(text) as T);
                } catch {
                  resolve(text as T);
                }
              });
            },
            (e, reusedSocket) => {
              // A kept-alive socket the server closed as we reused it: send once more on a new
              // one (Node's documented remedy); the request never reached the server.
              if (reusedSocket && !retried && (e as NodeJS.ErrnoException).code === 'ECONNRESET')
                attempt(true).then(resolve, reject);
              else reject(unreachable(e));
            },
          );
        });
      return attempt(false);
    },
    stream(path, query, onLine, signal) {
      return new Promise<void>((resolve, reject) => {
        open(
          'GET',
          path,
          { query, timeoutMs: 0 },
          (res) => {
            const code = res.statusCode ?? 0;
            if (code < 200 || code >= 300) {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                reject(apiError(code, Buffer.concat(chunks).toString('utf8'), 'GET', path)),
              );
              return;
            }
            let rest = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              rest += chunk;
              let at = rest.indexOf('\n');
              while (at >= 0) {
                onLine(rest.slice(0, at));
                rest = rest.slice(at + 1);
                at = rest.indexOf('\n');
              }
            });
            res.on('end', () => {
              if (rest) onLine(rest);
              resolve();
            });
            res.on('error', () => resolve());
          },
          (e) => (signal?.aborted ? resolve() : reject(unreachable(e))),
          signal,
        );
      });
    },
    close: () => agent?.destroy(),
  };
}
