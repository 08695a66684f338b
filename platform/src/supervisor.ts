// Starting and stopping the platform's processes. Each started process is recorded in
// .local/run/<name>.json (pid, binary, start time) and is only ever signalled after its
// /proc entry proves it is still that binary, so `down` never touches a recycled pid.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessRecord {
  name: string;
  pid: number;
  binary: string;
  args: string[];
  log: string;
  startedAt: string;
  /** What it was started from (binary, flags, config), to tell when it needs a restart. */
  fingerprint?: string;
}

function recordPath(runDir: string, name: string): string {
  return join(runDir, `${name}.json`);
}

/** True while `pid` is alive and is still running `binary`. */
export function isRunning(record: Pick<ProcessRecord, 'pid' | 'binary'>): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const exe = readlinkSync(`/proc/${record.pid}/exe`).replace(/ \(deleted\)$/, '');
    if (exe === record.binary) return true;
    // Scripts run through an interpreter: compare the command line instead.
    const argv = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(record.binary);
  } catch {
    return false;
  }
}

export async function readRecord(runDir: string, name: string): Promise<ProcessRecord | undefined> {
  const path = recordPath(runDir, name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ProcessRecord;
  } catch {
    return undefined;
  }
}

export async function readRecords(runDir: string): Promise<ProcessRecord[]> {
  if (!existsSync(runDir)) return [];
  const names = (await readdir(runDir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  const records = await Promise.all(names.map((n) => readRecord(runDir, n)));
  return records.filter((r): r is ProcessRecord => r !== undefined);
}

export interface StartRequest {
  name: string;
  binary: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  fingerprint?: string;
}

/** Starts a daemon in its own process group with output appended to its log file. */
export async function start(runDir: string, logDir: string, req: StartRequest): Promise<ProcessRecord> {
  await mkdir(runDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  const log = join(logDir, `${req.name}.log`);
  const fd = openSync(log, 'a');
  try {
    const child = spawn(req.binary, req.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: req.env ?? process.env,
      cwd: req.cwd,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    const record: ProcessRecord = {
      name: req.name,
      pid,
      binary: req.binary,
      args: req.args,
      log,
      startedAt: new Date().toISOString(),
      ...(req.fingerprint === undefined ? {} : { fingerprint: req.fingerprint }),
    };
    await writeFile(recordPath(runDir, req.name), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    closeSync(fd);
  }
}

/** Stops a recorded process (SIGTERM, then SIGKILL after `graceMs`) and forgets it. */
export async function stop(
  runDir: string,
  record: ProcessRecord,
  graceMs = 15_000,
): Promise<'stopped' | 'gone'> {
  let outcome: 'stopped' | 'gone' = 'gone';
  if (isRunning(record)) {
    outcome = 'stopped';
    signal(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRunning(record) && Date.now() < deadline) await sleep(100);
    if (isRunning(record)) {
      signal(record.pid, 'SIGKILL');
      while (isRunning(record)) await sleep(50);
    }
  }
  await rm(recordPath(runDir, record.name), { force: true });
  return outcome;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // The whole group: a daemon's own children go with it.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}
