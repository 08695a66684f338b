// Completion in cobra's protocol: which slot the cursor is in, from the manifest alone, and
// the executable kubectl calls (kubectl_complete-hpc) answering verbs and flags.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { argumentKind, completionScript, slotOf } from '../../../kubectl-plugin/src/complete.ts';
import type { Manifest } from '../../../kubectl-plugin/src/manifest.ts';

const root = join(import.meta.dirname, '../../../kubectl-plugin');
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as Manifest;

t.test('verbs, topics, flags, flag values and arguments', async (t) => {
  t.same(slotOf(manifest, [], 'de'), {
    kind: 'verb',
    candidates: ['delete', 'deploy', 'describe', 'devices'],
  });
  t.same(slotOf(manifest, ['project'], 'g'), { kind: 'verb', candidates: ['grant'] });
  t.same(slotOf(manifest, ['deploy', 'x'], '--rep'), { kind: 'flag', candidates: ['--replicas'] });
  const value = slotOf(manifest, ['get', '-n'], '');
  t.same([value.kind, value.kind === 'flag-value' && value.flag], ['flag-value', 'namespace']);
  const arg = slotOf(manifest, ['scale', '-n', 'climate', 'portal'], '');
  t.same([arg.kind, arg.kind === 'argument' && arg.index], ['argument', 1]);
  if (arg.kind === 'argument')
    t.equal(argumentKind(arg.command, arg.index), 'none', 'the replica count is not a name');
  const first = slotOf(manifest, ['status'], 'po');
  if (first.kind === 'argument') t.equal(argumentKind(first.command, first.index), 'service');
  else t.fail('status NAME is an argument slot');
});

t.test('kubectl_complete-hpc answers with candidates and the no-file directive', async (t) => {
  const { stdout } = await promisify(execFile)(join(root, 'bin/kubectl_complete-hpc'), [
    'deploy',
    'x',
    '--dry-run',
    '',
  ]);
  t.equal(stdout, 'client\nnone\nserver\n:4\n');
});

t.test('completion scripts exist for bash, zsh and fish only', async (t) => {
  t.match(completionScript('bash'), /complete -F _kubectl_hpc kubectl-hpc/);
  t.match(completionScript('zsh'), /compdef _kubectl_hpc kubectl-hpc/);
  t.match(completionScript('fish'), /complete -c kubectl-hpc/);
  t.equal(completionScript('powershell'), undefined);
});
