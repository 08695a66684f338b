// Health probes of the platform's processes and the waiting loop around them.

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthProbe } from './components/specs.ts';

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

export function probe(check: HealthProbe, pkiDir: string, timeoutMs = 3000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const url = new URL(check.url);
    const tlsOptions = check.tls
      ? {
          ca: readFileSync(join(pkiDir, 'ca.crt')),
          ...(check.asAdmin
            ? { cert: readFileSync(join(pkiDir, 'admin.crt')), key: readFileSync(join(pkiDir, 'admin.key')) }
            : {}),
        }
      : {};
    const send = check.tls ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', timeout: timeoutMs, ...tlsOptions }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          ok: res.statusCode === 200,
          detail: `HTTP ${res.statusCode}: ${body.trim().slice(0, 400)}`,
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, detail: error.message }));
    req.end();
  });
}

/**
 * Polls `check` until it reports ok or `timeoutMs` passes; `alive` lets the caller stop
 * early when the process behind the probe has died.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<ProbeResult>,
  timeoutMs: number,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: ProbeResult = { ok: false, detail: 'not probed yet' };
  while (Date.now() < deadline) {
    last = await check();
    if (last.ok) return;
    if (!alive()) throw new Error(`${what} exited before becoming healthy (last probe: ${last.detail})`);
    await sleep(250);
  }
  throw new Error(`${what} not healthy after ${Math.round(timeoutMs / 1000)} s (last probe: ${last.detail})`);
}
