// Authentication, as the aggregation layer requires of an extension API server:
// 1. a client certificate issued by the requestheader (front-proxy) CA whose common name is
//    an allowed name → the user is what X-Remote-User/-Group/-Extra-* say;
// 2. a client certificate issued by the client CA → the user is its CN, groups its O's;
// 3. a bearer token → whatever kube-apiserver's TokenReview says (cached briefly);
// anything else is unauthenticated (401). X-Remote-* headers are read only in case 1, so
// forged headers never authenticate anyone.

import type { X509Certificate } from 'node:crypto';
import type { AuthConfig } from './authconfig.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const AUTHENTICATED = 'system:authenticated';

/** Every authenticated user is in system:authenticated, as kube-apiserver's group adder ensures. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED) ? user : { ...user, groups: [...user.groups, AUTHENTICATED] };
}

export function subjectFields(cert: X509Certificate): { commonName: string; organizations: string[] } {
  let commonName = '';
  const organizations: string[] = [];
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'CN') commonName = value;
    if (key === 'O') organizations.push(value);
  }
  return { commonName, organizations };
}

/** True when one of `cas` signed `cert`, the certificate is current and allows client auth. */
export function verifiedBy(
  cert: X509Certificate,
  cas: readonly X509Certificate[],
  now = new Date(),
): boolean {
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) return false;
  const usages = cert.keyUsage;
  if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH_OID)) return false;
  return cas.some((ca) => {
    try {
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    } catch {
      return false;
    }
  });
}

type Headers = Record<string, string | string[] | undefined>;

function values(headers: Headers, name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function first(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = values(headers, name)[0];
    if (v) return v;
  }
  return undefined;
}

/** The user a front-proxy request speaks for, or undefined when the headers name nobody. */
export function requestHeaderUser(headers: Headers, config: AuthConfig): UserInfo | undefined {
  const username = first(headers, config.usernameHeaders);
  if (!username) return undefined;
  const uid = first(headers, config.uidHeaders);
  const groups = config.groupHeaders.flatMap((h) => values(headers, h));
  // Keys come from header names: a Map, so `__proto__` is one more key.
  const extra = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(headers)) {
    for (const prefix of config.extraHeaderPrefixes) {
      if (raw !== undefined && name.toLowerCase().startsWith(prefix.toLowerCase())) {
        const key = decodeURIComponent(name.slice(prefix.length)).toLowerCase();
        extra.set(key, [...(extra.get(key) ?? []), ...values(headers, name)]);
      }
    }
  }
  return { username, ...(uid ? { uid } : {}), groups, extra: Object.fromEntries(extra) };
}

export type CertificateOutcome =
  | { kind: 'user'; user: UserInfo }
  | { kind: 'none' }
  | { kind: 'rejected'; reason: string };

/** Authentication by the peer certificate (cases 1 and 2 above). Pure. */
export function authenticateCertificate(
  cert: X509Certificate | undefined,
  headers: Headers,
  config: AuthConfig,
  now = new Date(),
): CertificateOutcome {
  if (!cert) return { kind: 'none' };
  const { commonName, organizations } = subjectFields(cert);
  if (verifiedBy(cert, config.requestHeaderCAs, now)) {
    if (config.allowedNames.length > 0 && !config.allowedNames.includes(commonName)) {
      return {
        kind: 'rejected',
        reason: `front-proxy certificate common name "${commonName}" is not allowed`,
      };
    }
    const user = requestHeaderUser(headers, config);
    return user
      ? { kind: 'user', user: withAuthenticatedGroup(user) }
      : { kind: 'rejected', reason: 'front-proxy request without a user header' };
  }
  if (verifiedBy(cert, config.clientCAs, now)) {
    return {
      kind: 'user',
      user: withAuthenticatedGroup({ username: commonName, groups: organizations, extra: {} }),
    };
  }
  return { kind: 'rejected', reason: 'client certificate signed by an unknown authority' };
}
