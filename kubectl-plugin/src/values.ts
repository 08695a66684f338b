// Parsing of flag values (counts, durations, quantities, ports, env, health checks): pure,
// each mistake a UsageError naming the flag, so bad input fails before any request.

import { parseDuration as parseGoDuration } from '../../common/duration.ts';
import { isQuantity } from '../../common/quantity.ts';
import { UsageError } from './errors.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A ProjectService or namespace name: a DNS label (what the API will accept). */
export function checkName(name: string, what = 'name'): string {
  if (name.length > 63 || !DNS_LABEL.test(name))
    throw new UsageError(
      `invalid ${what} "${name}": use lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
    );
  return name;
}

export function checkSubdomain(name: string, what: string): string {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw new UsageError(`invalid ${what} "${name}"`);
  return name;
}

export function parseCount(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** "90s", "5m", "1h30m", "250ms" or a bare number of seconds → milliseconds. */
export function parseDuration(value: string, flag: string): number {
  // A bare number is seconds, as kubectl reads --request-timeout.
  const seconds = /^\d+$/.test(value) ? Number(value) : parseGoDuration(value);
  if (seconds === undefined)
    throw new UsageError(`--${flag} must be a duration such as 30s, 5m or 1h, got "${value}"`);
  return seconds * 1000;
}

export function parseQuantityFlag(value: string, flag: string): string {
  if (!isQuantity(value) || value.startsWith('-'))
    throw new UsageError(`--${flag} must be a quantity such as 500m, 2, 4Gi or 50Gi, got "${value}"`);
  return value;
}

/** `[name:]port` → a ServicePort. */
export function parsePort(value: string): { name: string; port: number } {
  const m = value.match(/^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?):)?(\d+)$/);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`--port must be [name:]PORT with PORT in 1–65535, got "${value}"`);
  return { name: m[1] ?? `port-${port}`, port };
}

/** `KEY=VALUE` → an env var. */
export function parseEnv(value: string, source = '--env'): { name: string; value: string } {
  const at = value.indexOf('=');
  const name = at > 0 ? value.slice(0, at) : '';
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name))
    throw new UsageError(`${source} must be KEY=VALUE with KEY a valid variable name, got "${value}"`);
  return { name, value: value.slice(at + 1) };
}

/** The lines of an env file: KEY=VALUE, blank lines and # comments skipped. */
export function parseEnvFile(text: string, file: string): { name: string; value: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => parseEnv(l, `--env-file ${file}`));
}

/** `http:PATH:PORT` or `tcp:PORT` → a health check. */
export function parseHealth(value: string): {
  http?: { path: string; port: string };
  tcp?: { port: string };
} {
  let m = value.match(/^http:(\/[^:]*):([a-z0-9-]+)$/);
  if (m) return { http: { path: m[1] as string, port: m[2] as string } };
  m = value.match(/^tcp:([a-z0-9-]+)$/);
  if (m) return { tcp: { port: m[1] as string } };
  throw new UsageError(`--health must be http:/PATH:PORT or tcp:PORT, got "${value}"`);
}

export function parseChoice<T extends string>(value: string, flag: string, allowed: Record<string, T>): T {
  const key = value.toLowerCase();
  if (!Object.hasOwn(allowed, key))
    throw new UsageError(`--${flag} must be one of ${Object.keys(allowed).join(', ')}, got "${value}"`);
  return allowed[key] as T;
}
