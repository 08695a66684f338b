// Tests that start a platform of their own beside the shared one (lifecycle, faults) need a
// port base whose every port is free: fixed bases sit in the kernel's ephemeral range, where
// any outgoing connection may hold one of them for a while.
import { HOST, layout } from '../../platform/src/layout.ts';
import { portIsFree } from '../../platform/src/ports.ts';

/** A user's shell: without the loader hooks tap puts in NODE_OPTIONS for its own children. */
export function userEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('TAP') && !k.startsWith('_TAP'),
    ),
  );
}

/**
 * The environment of a second platform in `dir`: the first of `bases` whose ports are all free
 * (each base is tried in turn; the last one is used if none is).
 */
export async function secondPlatformEnv(
  dir: string,
  bases: readonly number[],
  extra: Record<string, string> = {},
): Promise<Record<string, string | undefined>> {
  let env: Record<string, string | undefined> = {};
  for (const base of bases) {
    env = { ...userEnv(), KUBEHPC_LOCAL_DIR: dir, KUBEHPC_PORT_BASE: String(base), ...extra };
    const free = await Promise.all(Object.values(layout(env).ports).map((port) => portIsFree(HOST, port)));
    if (free.every(Boolean)) break;
  }
  return env;
}
