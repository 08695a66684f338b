// The command line from the oclif manifest: parsing with kubectl's habits, usage errors,
// help rendered from the manifest (as readable snapshots), the manifest kept in sync with the
// command classes, and error messages with their exit codes.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ApiError } from '../../../common/kube/client.ts';
import { verbIds } from '../../../kubectl-plugin/src/dispatch.ts';
import { describeApiError, EXIT, toExit, UsageError } from '../../../kubectl-plugin/src/errors.ts';
import { commandHelp, rootHelp } from '../../../kubectl-plugin/src/help.ts';
import { findCommand, type Manifest, parseCommand } from '../../../kubectl-plugin/src/manifest.ts';

const root = join(import.meta.dirname, '../../../kubectl-plugin');
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as Manifest;
const bin = join(root, 'bin/kubectl-hpc');

function command(argv: string[]) {
  const found = findCommand(manifest, argv);
  if (!found) throw new Error(`no command in ${argv.join(' ')}`);
  return { id: found.command.id, ...parseCommand(found.command, found.rest) };
}

t.test('the manifest lists exactly the command classes, and every one has a verb', async (t) => {
  const files = (dir: string, prefix = ''): string[] =>
    readdirSync(join(root, 'src/commands', dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name), `${prefix}${e.name}:`)
        : [`${prefix}${e.name.replace(/\.ts$/, '')}`],
    );
  t.same(
    Object.keys(manifest.commands).sort(),
    files('').sort(),
    'regenerate with: cd kubectl-plugin && oclif manifest',
  );
  t.same(Object.keys(manifest.commands).sort(), verbIds().sort());
});

t.test("kubectl's flag habits parse", async (t) => {
  const c = command(
    [
      'deploy',
      'portal',
      '-n',
      'climate',
      '--image=r/p:1',
      '--port',
      'http:8080',
      '--port',
      '9090',
      '--wait=false',
      '-o=json',
    ].filter((a) => a !== '-o=json'),
  );
  t.same(
    [c.id, c.args.name, c.flags.namespace, c.flags.port, c.flags.wait, c.flags.timeout],
    ['deploy', 'portal', 'climate', ['http:8080', '9090'], false, '5m'],
  );
  const g = command(['project', 'grant', 'alice', '--role', 'developer', '-nclimate']);
  t.same(
    [g.id, g.args.subject, g.flags.role, g.flags.namespace],
    ['project:grant', 'alice', 'developer', 'climate'],
  );
  t.same(command(['get', '-o=yaml']).flags.output, 'yaml');
  t.same(command(['delete', 'a', 'b', '--yes']).argv, ['a', 'b']);
});

t.test('usage errors before any request', async (t) => {
  t.throws(() => command(['get', '--bogus']), UsageError);
  t.throws(() => command(['get', 'a', 'b']), /unexpected argument "b"/);
  t.throws(() => command(['scale', 'a']), /missing argument REPLICAS/);
  t.throws(
    () => command(['deploy', 'a', '--dry-run', 'maybe']),
    /--dry-run must be one of none, client, server/,
  );
  t.equal(toExit(new UsageError('x')).code, EXIT.usage);
});

t.test('API errors say what went wrong and what to do', async (t) => {
  const invalid = new ApiError(
    422,
    'Invalid',
    'ProjectService "p" is invalid',
    [
      { field: 'spec.hardware.sriovVFs', message: 'must be ≤ 64' },
      { field: 'spec.image', message: 'Required value' },
    ],
    'PATCH',
    '/apis/apps.kubehpc.dev/v1alpha1/namespaces/a/projectservices/p',
    { name: 'p' },
  );
  t.equal(
    describeApiError(invalid),
    'invalid: p\n  spec.hardware.sriovVFs: must be ≤ 64\n  spec.image: Required value',
  );
  const forbidden = new ApiError(
    403,
    'Forbidden',
    'projectservices is forbidden: User "bob" cannot patch',
    [],
    'PATCH',
    '/apis/apps.kubehpc.dev/v1alpha1/namespaces/a/projectservices/p',
  );
  t.match(describeApiError(forbidden), /RoleBinding to kubehpc:project-developer/);
  t.equal(toExit(forbidden).code, EXIT.error);
});

/** Compares with a committed text file; KUBECTL_HPC_SNAPSHOT=write rewrites it. */
function snapshot(t: { equal(a: unknown, b: unknown, m: string): unknown }, name: string, text: string) {
  const file = join(import.meta.dirname, 'snapshots', name);
  if (process.env.KUBECTL_HPC_SNAPSHOT === 'write') writeFileSync(file, `${text}\n`);
  t.equal(`${text}\n`, readFileSync(file, 'utf8'), `matches snapshots/${name}`);
}

t.test('root help (snapshot)', async (t) => {
  snapshot(t, 'help.txt', rootHelp(manifest));
});

t.test('deploy help (snapshot) documents flags and exit codes', async (t) => {
  const help = commandHelp(manifest.commands.deploy as Manifest['commands'][string]);
  t.match(help, /3 {2}--wait timed out/);
  snapshot(t, 'deploy-help.txt', help);
});

t.test('the executable answers --help and usage errors with the documented codes', async (t) => {
  const run = promisify(execFile);
  const help = await run(bin, ['get', '--help']);
  t.match(help.stdout, /^List project services/);
  const bad = await run(bin, ['get', '--nope']).catch((e: { code: number; stderr: string }) => e);
  t.same(
    [(bad as { code: number }).code, (bad as { stderr: string }).stderr.split('\n')[0]],
    [2, "error: Unknown option '--nope'"],
  );
});
