// The plugin's error catalogue: every failure a user can meet becomes one message that says
// what went wrong and what to do, and one of the documented exit codes.

// Errors are told apart by name, not instanceof, so the launcher (which imports this file to
// report usage errors) does not load the HTTPS client and the YAML parser to answer --help.
import type { ApiError, UnreachableError } from '../../common/kube/client.ts';

/** Exit codes, as documented in `kubectl hpc --help`. */
export const EXIT = { ok: 0, error: 1, usage: 2, waitTimeout: 3 } as const;

export const EXIT_CODES_HELP = `EXIT CODES
  0  success
  1  error (the cluster refused or failed the request; the message says why)
  2  usage error (unknown flag, bad value, missing argument): nothing was sent
  3  --wait timed out: the object exists, something is still pending (the message says what)`;

/** Bad command-line input, found before any request. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure with its own exit code (a wait that timed out, a refused deploy). */
export class ExitError extends Error {
  override name = 'ExitError';
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

const ROLE_HINT: Record<string, string> = {
  projectservices: 'kubehpc:project-developer',
  scalingpolicies: 'kubehpc:project-developer',
  namespaces: 'cluster-admin (projects are namespaces)',
  rolebindings: 'kubehpc:project-admin',
};

/** What a user reads for an API error. Pure. */
export function describeApiError(e: ApiError): string {
  const lines: string[] = [];
  switch (e.code) {
    case 401:
      lines.push(`unauthorized: the cluster did not accept your credentials (${e.message})`);
      lines.push('check your kubeconfig user, token or client certificate');
      break;
    case 403: {
      lines.push(`forbidden: ${e.message}`);
      const resource = e.path.match(/\/([a-z]+)(?:\/[^/]+)?(?:\/(?:scale|status|log))?$/)?.[1] ?? '';
      const role = Object.hasOwn(ROLE_HINT, resource) ? ROLE_HINT[resource] : undefined;
      lines.push(
        role
          ? `ask a project admin for a RoleBinding to ${role} in this namespace (kubectl hpc project grant USER --role …)`
          : 'ask an administrator for a role that allows this',
      );
      break;
    }
    case 404:
      lines.push(`not found: ${e.message}`);
      break;
    case 409:
      lines.push(`conflict: ${e.message}`);
      lines.push(
        e.message.includes('conflict') && e.message.includes('manager')
          ? 'another field manager owns these fields: re-run with --force-conflicts to take them over'
          : 'the object changed while you were writing: re-run the command',
      );
      break;
    case 422:
    case 400:
      lines.push(`invalid: ${e.causes.length > 0 ? (e.details.name ?? '') : e.message}`.trimEnd());
      for (const c of e.causes)
        lines.push(`  ${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`);
      break;
    default:
      lines.push(`${e.message} (HTTP ${e.code}${e.reason ? ` ${e.reason}` : ''})`);
  }
  return lines.join('\n');
}

/** The message and exit code for anything a verb threw. Pure. */
export function toExit(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError)
    return { message: `${error.message}\nSee 'kubectl hpc <command> --help'.`, code: EXIT.usage };
  if (error instanceof ExitError) return { message: error.message, code: error.exitCode };
  const name = (error as Error)?.name;
  if (name === 'ApiError') return { message: describeApiError(error as ApiError), code: EXIT.error };
  if (name === 'UnreachableError')
    return {
      message: `${(error as UnreachableError).message}\nis the cluster up, and is this the right context? (kubectl config current-context)`,
      code: EXIT.error,
    };
  if (name === 'KubeconfigError') return { message: (error as Error).message, code: EXIT.error };
  if (name === 'QuantityError' || name === 'JsonPathError')
    return { message: (error as Error).message, code: EXIT.usage };
  return { message: (error as Error)?.message ?? String(error), code: EXIT.error };
}
