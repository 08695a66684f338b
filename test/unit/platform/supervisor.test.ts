import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isRunning, readRecord, readRecords, start, stop } from '../../../platform/src/supervisor.ts';

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-sup-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const runDir = join(dir, 'run');
const logDir = join(dir, 'logs');
const sleep = execFileSync('sh', ['-c', 'command -v sleep']).toString().trim();

t.test('starts a daemon, records it, and stops exactly it', async (t) => {
  const record = await start(runDir, logDir, { name: 'sleeper', binary: sleep, args: ['300'] });
  t.ok(isRunning(record), 'running after start');
  t.same((await readRecord(runDir, 'sleeper'))?.pid, record.pid, 'recorded');
  t.equal((await readRecords(runDir)).length, 1);
  t.equal(await stop(runDir, record), 'stopped');
  t.notOk(isRunning(record), 'gone after stop');
  t.notOk(existsSync(join(runDir, 'sleeper.json')), 'record removed');
  t.equal(await stop(runDir, record), 'gone', 'stopping twice is harmless');
});

t.test('a live pid running another program is not ours', async (t) => {
  t.notOk(isRunning({ pid: process.pid, binary: '/usr/bin/not-this-program' }));
  t.ok(isRunning({ pid: process.pid, binary: process.execPath }));
  t.notOk(isRunning({ pid: 2 ** 22 + 12345, binary: sleep }), 'a pid that does not exist');
});

t.test('a daemon that ignores SIGTERM is killed after the grace period', async (t) => {
  const record = await start(runDir, logDir, {
    name: 'stubborn',
    binary: '/bin/sh',
    args: ['-c', 'trap "" TERM; echo ready; while true; do sleep 1; done'],
  });
  // The trap is set once the shell has written "ready" to its log: wait for that, not a while.
  const deadline = Date.now() + 20_000;
  while (!(await readFile(record.log, 'utf8')).includes('ready')) {
    if (Date.now() > deadline) throw new Error('the daemon never wrote "ready" to its log');
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(await stop(runDir, record, 300), 'stopped');
  t.notOk(isRunning(record));
});
