// The Prometheus HTTP API (/api/v1/query) as a rule's input: one sample is a value, no sample
// is "empty" (the rule's emptyAs decides), several series, a non-numeric value, a rejected
// query or an unreachable server are errors with the server's own words. The parser is pure;
// the fetcher is a thin GET with a deadline.

export type QueryResult = { ok: true; value: number | undefined } | { ok: false; error: string };

interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

function sampleValue(pair: unknown): number | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') return undefined;
  const value = Number(pair[1]);
  // Prometheus writes NaN and ±Inf as strings; Number() parses those the same way.
  return pair[1] === 'NaN' || !Number.isNaN(value) ? value : undefined;
}

export function parseQueryResponse(body: unknown): QueryResult {
  const response = (typeof body === 'object' && body !== null ? body : {}) as ApiResponse;
  if (response.status !== 'success') {
    const kind = response.errorType ?? 'error';
    return { ok: false, error: `Prometheus rejected the query (${kind}): ${response.error ?? 'no message'}` };
  }
  const { resultType, result } = response.data ?? {};
  if (resultType === 'scalar') {
    const value = sampleValue(result);
    return value === undefined ? { ok: false, error: 'malformed scalar result' } : { ok: true, value };
  }
  if (resultType === 'vector') {
    if (!Array.isArray(result)) return { ok: false, error: 'malformed vector result' };
    if (result.length === 0) return { ok: true, value: undefined };
    if (result.length > 1) {
      return {
        ok: false,
        error: `the query returned ${result.length} series; it must return one (aggregate it, e.g. sum(...))`,
      };
    }
    const value = sampleValue((result[0] as { value?: unknown })?.value);
    return value === undefined ? { ok: false, error: 'malformed vector sample' } : { ok: true, value };
  }
  return {
    ok: false,
    error: `the query returned a ${resultType ?? 'missing'} result; it must return a scalar or one series`,
  };
}

export interface PrometheusClient {
  query(address: string, query: string, timeMs: number): Promise<QueryResult>;
}

/** Fetches an instant query; every failure (network, HTTP, JSON) becomes a QueryResult error. */
export function httpPrometheus(timeoutMs = 5000): PrometheusClient {
  return {
    async query(address, query, timeMs) {
      const url = new URL('api/v1/query', address.endsWith('/') ? address : `${address}/`);
      const form = new URLSearchParams({ query, time: (timeMs / 1000).toFixed(3) });
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          body: form,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        return { ok: false, error: `Prometheus at ${url.origin} unreachable: ${cause}` };
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return {
          ok: false,
          error: `Prometheus at ${url.origin} answered HTTP ${response.status} without JSON`,
        };
      }
      return parseQueryResponse(body);
    },
  };
}
