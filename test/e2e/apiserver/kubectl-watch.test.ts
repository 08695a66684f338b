// `kubectl get -w` and the read-modify-write cycle `kubectl edit` performs (`kubectl replace`
// of what `get` returned), through the real aggregator: the two everyday paths the other
// kubectl tests do not take.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { eventually, kubectl, platform, testNamespace } from '../../support/cluster.ts';

const manifest = (ns: string, name: string, replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps.kubehpc.dev/v1alpha1',
    kind: 'ProjectService',
    metadata: { name, namespace: ns },
    spec: { image: 'registry.example/portal:1.4.2', replicas },
  });

t.test('kubectl get -w streams the changes as they happen, as server-side Table rows', async (t) => {
  const ns = await testNamespace(t, 'kwatch');
  const watcher = spawn(
    join(platform.binDir, 'kubectl'),
    ['--kubeconfig', platform.kubeconfig, '-n', ns, 'get', 'ps', '-w', '--output-watch-events'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.teardown(() => {
    watcher.kill();
  });
  let seen = '';
  watcher.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
  });
  let errors = '';
  watcher.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  // Give kubectl a moment to open its watch (an event before that is still listed: ADDED).
  await new Promise((r) => setTimeout(r, 1500));
  t.equal((await kubectl(['apply', '-f', '-'], { input: manifest(ns, 'watched', 1) })).code, 0);
  await eventually(
    'the ADDED event',
    async () => (/ADDED\s+watched\s+\d+\/1\s/.test(seen) ? true : undefined),
    30_000,
  );
  t.equal((await kubectl(['-n', ns, 'scale', 'ps/watched', '--replicas=4'])).code, 0);
  await eventually(
    'the MODIFIED event',
    async () => (/MODIFIED\s+watched\s+\d+\/4\s/.test(seen) ? true : undefined),
    30_000,
  );
  t.equal((await kubectl(['-n', ns, 'delete', 'ps', 'watched', '--wait=false'])).code, 0);
  await eventually(
    'the DELETED event',
    async () => (/DELETED\s+watched/.test(seen) ? true : undefined),
    30_000,
  );
  t.equal(errors.trim(), '', 'kubectl reported no error');
});

t.test('replace of what get returned (the kubectl edit cycle) honours the resourceVersion', async (t) => {
  const ns = await testNamespace(t, 'kedit');
  t.equal((await kubectl(['apply', '-f', '-'], { input: manifest(ns, 'edited', 2) })).code, 0);
  type Got = {
    metadata: { resourceVersion: string; generation: number };
    spec: { replicas: number; image: string };
  };
  const read = async () =>
    JSON.parse((await kubectl(['-n', ns, 'get', 'ps', 'edited', '-o', 'json'])).stdout) as Got;
  // Like a person at `kubectl edit`: read, change, write back; a controller's status write in
  // between makes the copy stale, and then one reads again (at most a few times).
  let got = await read();
  let replaced = { code: 1, stdout: '', stderr: '' };
  for (let attempt = 0; attempt < 5 && replaced.code !== 0; attempt++) {
    if (attempt > 0) got = await read();
    const edited = { ...got, spec: { ...got.spec, image: 'registry.example/portal:1.5.0' } };
    replaced = await kubectl(['replace', '-f', '-', '-o', 'json'], { input: JSON.stringify(edited) });
    if (replaced.code !== 0)
      t.match(replaced.stderr, /Conflict/, 'the only acceptable failure is a conflict');
  }
  t.equal(replaced.code, 0, replaced.stderr);
  const after = JSON.parse(replaced.stdout) as Got;
  t.equal(after.spec.image, 'registry.example/portal:1.5.0');
  t.equal(after.metadata.generation, got.metadata.generation + 1, 'a spec change bumps generation');
  // The same stale copy again: someone else's write came first, so the server refuses it.
  const stale = await kubectl(['replace', '-f', '-'], {
    input: JSON.stringify({ ...got, spec: { ...got.spec, image: 'registry.example/portal:9.9.9' } }),
  });
  t.not(stale.code, 0, 'a stale resourceVersion is refused');
  t.match(stale.stderr, /Conflict|the object has been modified/);
  const now = JSON.parse(
    (await kubectl(['-n', ns, 'get', 'ps', 'edited', '-o', 'json'])).stdout,
  ) as typeof got;
  t.equal(now.spec.image, 'registry.example/portal:1.5.0', 'the refused write changed nothing');
});
