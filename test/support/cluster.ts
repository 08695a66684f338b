// What end-to-end tests share: the running local platform's kubeconfig and kubectl, and a
// namespace per test so tests never see each other's objects. The platform itself is
// started (or reused) by test/e2e/run.ts before any e2e file runs.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { loadClientNodeConfig } from '../../common/kube/clientnode.ts';
import { layout } from '../../platform/src/layout.ts';

const run = promisify(execFile);

export const platform = layout();

/** Admin access to the platform; fails clearly when it is not running. */
export function adminKubeConfig(): KubeConfig {
  if (!existsSync(platform.kubeconfig)) {
    throw new Error(
      `no ${platform.kubeconfig}: start the platform with npm run up (or run the e2e suite with npm test)`,
    );
  }
  return loadClientNodeConfig({ kubeconfig: platform.kubeconfig });
}

export function objects(): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(adminKubeConfig());
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** True when kubectl failed because the object does not exist — not for any other failure. */
export function isNotFound(result: CommandResult): boolean {
  return result.code !== 0 && /\(NotFound\)/.test(result.stderr);
}

/** Runs the pinned kubectl against the platform; never throws on a non-zero exit. */
export async function kubectl(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  const binary = join(platform.binDir, 'kubectl');
  const child = run(binary, ['--kubeconfig', platform.kubeconfig, ...args], {
    env: { ...process.env, ...options.env },
    maxBuffer: 32 * 1024 * 1024,
  });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs kubectl and returns its stdout; a non-zero exit throws with kubectl's stderr. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `kubectl <args> -o json`, parsed; a non-zero exit throws. */
export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk([...args, '-o', 'json'])) as T;
}

interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

/** Creates a fresh namespace for one test and deletes it when the test ends. */
export async function testNamespace(t: Teardown, prefix: string): Promise<string> {
  const name = `e2e-${prefix}-${randomBytes(3).toString('hex')}`;
  const client = objects();
  await client.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubehpc.dev/e2e': 'true' } },
  });
  t.teardown(async () => {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(() => undefined);
    // Wait (bounded) until it is gone: its pods hold VFs and disk that later tests schedule on.
    await eventually(
      `namespace ${name} to be deleted`,
      async () => {
        try {
          await client.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
          return undefined;
        } catch (error) {
          return (error as { code?: number }).code === 404 ? true : undefined;
        }
      },
      120_000,
    ).catch((error: Error) => console.error(`teardown: ${error.message}`));
  });
  return name;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}
