// Which Prometheus a policy's queries go to. A policy may name its own address
// (spec.prometheusAddress), but the controller fetches only addresses its operator allowed
// (--prometheus-allowed-urls, by default just --prometheus-url): otherwise anyone who may write
// a ScalingPolicy could make the controller send requests to any URL its network reaches
// (cloud metadata, internal admin endpoints) and read the answers back in the policy's status.
//
// The check is made here, at run time, and not at admission: the API server does not know the
// controller's flags, and an operator who widens or narrows the list must not have to rewrite
// policies. A refused address is a failed rule with a clear message (SourcesHealthy=False) and
// no request at all. Pure.

export type AddressResult = { ok: true; address: string } | { ok: false; error: string };

/** scheme://host:port/path with the default port made explicit and no trailing slash. */
export function canonicalUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}:${port}${path}`;
}

/** The allowed list from the flags: the explicit list, else the default address alone. */
export function allowedAddresses(list: string | undefined, defaultUrl: string | undefined): string[] {
  const entries =
    list === undefined
      ? defaultUrl === undefined
        ? []
        : [defaultUrl]
      : list
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  const out: string[] = [];
  for (const entry of entries) {
    const canonical = canonicalUrl(entry);
    if (canonical === undefined) throw new Error(`not an http(s) URL without credentials or query: ${entry}`);
    out.push(canonical);
  }
  return out;
}

/** The address a policy's queries use, or why none may be used. */
export function resolvePrometheusAddress(
  policyAddress: string | undefined,
  defaultUrl: string | undefined,
  allowed: readonly string[],
): AddressResult {
  if (policyAddress === undefined) {
    return defaultUrl === undefined
      ? { ok: false, error: 'no Prometheus address: set spec.prometheusAddress or --prometheus-url' }
      : { ok: true, address: defaultUrl };
  }
  const canonical = canonicalUrl(policyAddress);
  if (canonical !== undefined && allowed.includes(canonical)) return { ok: true, address: policyAddress };
  const choices = allowed.length === 0 ? 'none (only the default)' : allowed.join(', ');
  return {
    ok: false,
    error:
      `spec.prometheusAddress ${JSON.stringify(policyAddress.slice(0, 200))} is not an address this controller may query; ` +
      `allowed: ${choices} (its operator widens the list with --prometheus-allowed-urls)`,
  };
}
