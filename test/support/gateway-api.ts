// The Gateway API CRDs (standard channel) for tests that need HTTPRoutes served: installed
// for one test and removed when it ends, unless the cluster had them already.
//
// The YAML comes from the Go module sigs.k8s.io/gateway-api at a pinned version through the
// Go module proxy, checked against the checksum database and kept in Go's module cache
// (outside the repository), like the control-plane sources: the HTTPRoute CRD alone is
// ~340 KB of generated YAML we would otherwise vendor and update by hand.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubectl } from './cluster.ts';

const GATEWAY_API = 'sigs.k8s.io/gateway-api@v1.4.0';
const RESOURCES = ['httproutes', 'gateways'];
const CRD_NAMES = RESOURCES.map((r) => `${r}.gateway.networking.k8s.io`);

interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

/** Whether the cluster serves the HTTPRoute CRD now. */
export async function gatewayAPIServed(): Promise<boolean> {
  return (await kubectl(['get', 'crd', CRD_NAMES[0] as string])).code === 0;
}

async function crdDirectory(): Promise<string> {
  const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', GATEWAY_API], {
    cwd: '/',
    maxBuffer: 4 * 1024 * 1024,
  });
  const { Dir } = JSON.parse(stdout) as { Dir: string };
  return join(Dir, 'config/crd/standard');
}

async function ok(args: string[]): Promise<void> {
  const r = await kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
}

/** Installs the CRDs (and waits until they are Established); the test's teardown removes them. */
export async function installGatewayAPI(t: Teardown): Promise<void> {
  if (await gatewayAPIServed()) return;
  const dir = await crdDirectory();
  t.teardown(async () => {
    await kubectl(['delete', 'crd', ...CRD_NAMES, '--ignore-not-found', '--wait=true']);
  });
  for (const r of RESOURCES)
    await ok(['apply', '--server-side', '-f', join(dir, `gateway.networking.k8s.io_${r}.yaml`)]);
  await ok(['wait', '--for=condition=Established', '--timeout=180s', ...CRD_NAMES.map((n) => `crd/${n}`)]);
}
