// The device plugin's error catalogue: every failure a user or operator can see has a code
// from this list, a message naming the offending input, and (for config problems) the path
// of the entry at fault. Errors travel as values; only main.ts turns them into exit codes.

export const ERROR_CODES = {
  /** The config file could not be read or parsed. */
  CONFIG_UNREADABLE: 'KHDP_CONFIG_UNREADABLE',
  /** The config file parsed but an entry is wrong; `path` names the entry. */
  CONFIG_INVALID: 'KHDP_CONFIG_INVALID',
  /** A sysfs entry the plugin needs could not be read; the device is skipped or degraded. */
  SYSFS_UNREADABLE: 'KHDP_SYSFS_UNREADABLE',
  /** A pool's selectors match no VF; the pool is not registered. */
  POOL_EMPTY: 'KHDP_POOL_EMPTY',
  /** A kubelet request named a device this pool does not have. */
  UNKNOWN_DEVICE: 'KHDP_UNKNOWN_DEVICE',
  /** A kubelet request is malformed (sizes, duplicates). */
  BAD_REQUEST: 'KHDP_BAD_REQUEST',
  /** Registration with the kubelet failed. */
  REGISTRATION_FAILED: 'KHDP_REGISTRATION_FAILED',
  /** The NodeResourceTopology object could not be written. */
  TOPOLOGY_PUBLISH_FAILED: 'KHDP_TOPOLOGY_PUBLISH_FAILED',
  /** A command-line flag is missing or wrong. */
  BAD_FLAG: 'KHDP_BAD_FLAG',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface Problem {
  code: ErrorCode;
  message: string;
  /** Where the problem is: a config path (`pools[1].selectors.pfNames[0]`) or a sysfs path. */
  path?: string;
}

export function problem(code: ErrorCode, message: string, path?: string): Problem {
  return path === undefined ? { code, message } : { code, message, path };
}

/** One line per problem, as logs and exit messages show them. */
export function describe(p: Problem): string {
  return `${p.code}${p.path === undefined ? '' : ` at ${p.path}`}: ${p.message}`;
}

/** A result that is either a value or the problems that prevented it. */
export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
