// Leader election between two controller processes on one Lease (in a test namespace, so the
// platform's own controller is not involved): one leads and the other stands by; when the
// leader dies without releasing the Lease, the standby takes over once it expires.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { portIsFree } from '../../../../platform/src/ports.ts';
import { eventually, kubectl, platform, testNamespace } from '../../../support/cluster.ts';

const MAIN = join(platform.repoRoot, 'apiserver', 'src', 'controllers', 'main.ts');
const KUBECONFIG = join(platform.configDir, 'kubehpc-controller-manager.kubeconfig');

async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) if (await portIsFree('127.0.0.1', port)) return port;
  throw new Error(`no free port from ${from}`);
}

async function controller(t: Test, leaseNamespace: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      `--kubeconfig=${KUBECONFIG}`,
      '--bind-address=127.0.0.1',
      `--metrics-port=${port}`,
      `--lease-namespace=${leaseNamespace}`,
    ],
    { stdio: 'ignore' },
  );
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

async function leads(port: number): Promise<boolean | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const line = (await res.text()).split('\n').find((l) => l.startsWith('kubehpc_controller_leader '));
  return line === undefined ? undefined : line.endsWith(' 1');
}

/** Successful ProjectService reconciles the process at `port` has done (0 when none). */
async function reconciles(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('kubehpc_controller_reconcile_total{') && l.includes('result="success"'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function holder(ns: string): Promise<string | undefined> {
  const r = await kubectl([
    '-n',
    ns,
    'get',
    'lease',
    'kubehpc-controllers',
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]);
  return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
}

t.test('one of two controllers leads; the standby takes over when the leader dies', async (t) => {
  const ns = await testNamespace(t, 'leader');
  // Something to reconcile, so "the standby reconciled nothing" means something.
  const created = await kubectl(['-n', ns, 'apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apps.kubehpc.dev/v1alpha1',
      kind: 'ProjectService',
      metadata: { name: 'led', namespace: ns },
      spec: { image: 'registry.example/led:1' },
    }),
  });
  t.equal(created.code, 0, created.stderr);
  const firstPort = await freePort(20263);
  const first = await controller(t, ns, firstPort);
  await eventually('the first controller to lead', async () => ((await leads(firstPort)) ? true : undefined));
  t.match(await holder(ns), new RegExp(`_${first.pid}$`), 'the Lease names the first process');

  const secondPort = await freePort(firstPort + 1);
  const second = await controller(t, ns, secondPort);
  await eventually('the second controller to serve', async () =>
    (await leads(secondPort)) === false ? true : undefined,
  );
  const ready = await fetch(`http://127.0.0.1:${secondPort}/readyz`);
  t.equal(ready.status, 200, 'a standby is ready');
  await eventually('the leader to reconcile', async () =>
    (await reconciles(firstPort)) > 0 ? true : undefined,
  );
  t.equal(await reconciles(secondPort), 0, 'the standby has reconciled nothing');
  t.equal(await leads(firstPort), true, 'the first still leads');
  t.match(await holder(ns), new RegExp(`_${first.pid}$`), 'the Lease still names the first process');

  first.kill('SIGKILL');
  await eventually(
    'the standby to take over',
    async () => ((await leads(secondPort)) ? true : undefined),
    45_000,
  );
  t.match(await holder(ns), new RegExp(`_${second.pid}$`), 'the Lease names the second process');
  await eventually('the new leader to reconcile', async () =>
    (await reconciles(secondPort)) > 0 ? true : undefined,
  );
});
