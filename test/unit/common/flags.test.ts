// The programs' shared flag handling, through the real entry points: mistakes exit 2 with
// the reason and the usage, before anything connects anywhere; --help exits 0.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);

async function exec(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const EXTENDER = 'scheduler-extender/src/main.ts';
const CONTROLLERS = 'apiserver/src/controllers/main.ts';

t.test('an unknown flag is refused with the usage', async (t) => {
  for (const [script, program] of [
    [EXTENDER, 'scheduler-extender'],
    [CONTROLLERS, 'kubehpc-controllers'],
  ] as const) {
    const r = await exec(script, ['--no-such-flag=1']);
    t.equal(r.code, 2, `${program} exits 2`);
    t.match(r.stderr, new RegExp(`^${program}: .*no-such-flag`));
    t.match(r.stderr, /usage: node /);
  }
});

t.test('values are checked: integers, ranges and choices', async (t) => {
  const badPort = await exec(EXTENDER, ['--port=http']);
  t.equal(badPort.code, 2);
  t.match(badPort.stderr, '--port must be an integer ≥ 1, got "http"');
  const badMode = await exec(EXTENDER, ['--mode=fast']);
  t.equal(badMode.code, 2);
  t.match(badMode.stderr, '--mode must be one of short-circuit, exhaustive');
  const badElect = await exec(CONTROLLERS, ['--leader-elect=maybe']);
  t.equal(badElect.code, 2);
  t.match(badElect.stderr, '--leader-elect must be one of true, false');
  const zeroWorkers = await exec(CONTROLLERS, ['--workers=0']);
  t.equal(zeroWorkers.code, 2);
  t.match(zeroWorkers.stderr, '--workers must be an integer ≥ 1, got "0"');
});

t.test('--help prints the usage and exits 0', async (t) => {
  const r = await exec(CONTROLLERS, ['--help']);
  t.equal(r.code, 0);
  t.match(r.stdout, /--leader-elect=true\|false/);
});

t.test('readFlags is pure: every mistake is a FlagError, nothing exits', async (t) => {
  const { FlagError, readFlags } = await import('../../../common/flags.ts');
  t.throws(() => readFlags(['--nope'], ['port']), FlagError, 'unknown flag');
  t.throws(() => readFlags(['--port'], ['port']), FlagError, 'missing value');
  t.throws(() => readFlags(['extra'], ['port']), FlagError, 'positional argument');
  const flags = readFlags(['--port=80', '--dry', '--mode', 'a'], ['port', 'mode'], ['dry']);
  t.equal(flags.integer('port', 1, 1), 80);
  t.equal(flags.boolean('dry'), true);
  t.equal(flags.boolean('other'), false);
  t.equal(flags.oneOf('mode', ['a', 'b'], 'b'), 'a');
  t.throws(() => flags.integer('mode', 1, 1), FlagError, 'not an integer');
  t.throws(() => readFlags(['--port= '], ['port']).integer('port', 1, 1), FlagError, 'blank is no integer');
  t.equal(readFlags([], ['port']).integer('port', 7, 1), 7, 'absent: the fallback');
  t.equal(readFlags(['--help'], []).help, true);
  t.equal(readFlags([], ['__proto__']).string('__proto__'), undefined, 'no prototype key is read as a flag');
});
