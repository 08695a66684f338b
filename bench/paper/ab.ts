// ApacheBench (`ab`, Debian's apache2-utils) as the paper's load generator: how a round's
// concurrency and requests are split over the replicas' addresses, the command line of one ab
// process, and what its report says. Pure but for runAb, which spawns the process.

import { spawn, spawnSync } from 'node:child_process';

export const AB_INSTALL_HINT =
  "ab (ApacheBench) is not installed: it comes with Debian's apache2-utils — `sudo apt-get install -y apache2-utils`";

/** True when `ab` runs on this machine. */
export function abAvailable(): boolean {
  const r = spawnSync('ab', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && /ApacheBench/.test(r.stdout);
}

export interface Share {
  address: string;
  concurrency: number;
  requests: number;
}

/**
 * Splits `concurrency` connections and the `remaining` requests over the addresses, as evenly
 * as whole numbers allow (the first addresses take the remainder). Each share asks at least as
 * many requests as it has connections (ab refuses fewer); an address beyond the concurrency
 * gets no share. Addresses are taken in sorted order so a round is reproducible.
 */
export function splitLoad(addresses: readonly string[], concurrency: number, remaining: number): Share[] {
  if (concurrency < 1 || remaining < 1) return [];
  const sorted = [...new Set(addresses)].sort();
  const used = sorted.slice(0, concurrency);
  const shares: Share[] = [];
  for (const [i, address] of used.entries()) {
    const c = Math.floor(concurrency / used.length) + (i < concurrency % used.length ? 1 : 0);
    const requests = Math.max(c, Math.ceil((remaining * c) / concurrency));
    shares.push({ address, concurrency: c, requests });
  }
  return shares;
}

/** The URL of the portal's CPU-burning page at an address (IPv6 in brackets). */
export function portalUrl(address: string, port: number, path: string): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}${path}`;
}

/**
 * One ab process: at most `seconds` long (-t before -n, since -t alone implies 50,000
 * requests), -r so a reset connection counts as a failure instead of ending the run, -l since
 * the page is dynamic, -q for no progress lines, -s the per-request timeout.
 */
export function abArgs(share: Share, url: string, seconds: number, timeoutSeconds: number): string[] {
  return [
    '-q',
    '-r',
    '-l',
    '-s',
    String(timeoutSeconds),
    '-t',
    String(seconds),
    '-n',
    String(share.requests),
    '-c',
    String(share.concurrency),
    url,
  ];
}

export interface AbOutcome {
  /** Requests answered (whatever the status). */
  complete: number;
  /** Failed requests (connect, receive, length, exceptions) plus non-2xx answers. */
  errors: number;
  /** Set when ab stopped before printing its report: the reason it gave. */
  aborted?: string;
}

const count = (text: string, label: RegExp): number | undefined => {
  const m = label.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** Reads ab's report; without one (ab gave up), what it completed and why it stopped. */
export function parseAb(stdout: string, stderr: string): AbOutcome {
  const complete = count(stdout, /^Complete requests:\s+(\d+)/m);
  if (complete !== undefined) {
    const failed = count(stdout, /^Failed requests:\s+(\d+)/m) ?? 0;
    const non2xx = count(stdout, /^Non-2xx responses:\s+(\d+)/m) ?? 0;
    return { complete, errors: failed + non2xx };
  }
  const done = count(`${stdout}\n${stderr}`, /^Total of (\d+) requests completed/m) ?? 0;
  const reason =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0 && !/^Total of/.test(l)) ?? 'ab exited without a report';
  return { complete: done, errors: 1, aborted: reason };
}

/** Runs one ab process to its end. */
export function runAb(args: string[]): Promise<AbOutcome> {
  return new Promise((resolve) => {
    const child = spawn('ab', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', (error) => resolve({ complete: 0, errors: 1, aborted: error.message }));
    child.on('close', () => resolve(parseAb(stdout, stderr)));
  });
}
