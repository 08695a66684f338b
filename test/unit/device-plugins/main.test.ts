// The plugin's command line refuses bad flags and bad config before touching anything, with
// exit code 2 and every problem named by its entry.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../../device-plugins/src/main.ts', import.meta.url));

function run(args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

const dir = mkdtempSync(join(tmpdir(), 'kubehpc-dp-main-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('a malformed config stops the plugin before it starts, naming each entry', async (t) => {
  const config = join(dir, 'bad.yaml');
  writeFileSync(
    config,
    'pools:\n  - resourceName: kubehpc.dev/a\n    selectors: {pfNames: ["ens1f0#4-2"], vendors: ["intel"]}\n',
  );
  const { code, stderr } = run([
    '--config',
    config,
    '--node-name',
    'n',
    '--no-topology',
    '--kubelet-dir',
    dir,
  ]);
  t.equal(code, 2);
  t.match(
    stderr,
    /KHDP_CONFIG_INVALID at .*bad\.yaml: pools\[0\]\.selectors\.pfNames\[0\]: .*ends before it starts/,
  );
  t.match(stderr, /pools\[0\]\.selectors\.vendors\[0\]: "intel" is not a 4-digit hex PCI id/);
  t.notMatch(stderr, /device plugin started/);
});

t.test('a config that is not YAML is refused as unreadable', async (t) => {
  const config = join(dir, 'broken.yaml');
  writeFileSync(config, 'pools: [ {resourceName: ');
  const { code, stderr } = run(['--config', config, '--node-name', 'n', '--no-topology']);
  t.equal(code, 2);
  t.match(stderr, /KHDP_CONFIG_UNREADABLE/);
});

t.test('a missing config file, a missing node name and a bad flag are each refused', async (t) => {
  const missing = run(['--config', join(dir, 'nope.yaml'), '--node-name', 'n', '--no-topology']);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /KHDP_CONFIG_UNREADABLE at .*nope\.yaml/);
  const env = { ...process.env };
  delete env.NODE_NAME;
  const noNode = spawnSync(process.execPath, [MAIN, '--no-topology'], { encoding: 'utf8', env });
  t.equal(noNode.status, 2);
  t.match(noNode.stderr, /KHDP_BAD_FLAG: no node name/);
  const unknown = run(['--bogus']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /KHDP_BAD_FLAG.*bogus/);
  const interval = run(['--node-name', 'n', '--no-topology', '--poll-interval', 'soon']);
  t.equal(interval.code, 2);
  t.match(interval.stderr, /KHDP_BAD_FLAG at --poll-interval: must be an integer ≥ 10, got "soon"/);
});

t.test('--help prints the flags and exits 0', async (t) => {
  const { code, stdout } = run(['--help']);
  t.equal(code, 0);
  t.match(stdout, /--sysfs-root/);
  t.match(stdout, /--kubelet-dir/);
});
