// Credentials a RestConfig names but does not hold: a token file (re-read per program run,
// as projected service-account tokens rotate) and exec credential plugins
// (client.authentication.k8s.io ExecCredential), run the way kubectl runs them.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KubeconfigError, type RestConfig } from './kubeconfig.ts';

export interface Credentials {
  token?: string | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
}

/** Parses an exec plugin's stdout (an ExecCredential); throws with what is wrong. Pure. */
export function parseExecCredential(stdout: string, command: string): Credentials {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new KubeconfigError(`exec credential plugin ${command} did not print an ExecCredential (JSON)`);
  }
  const status = (doc as { kind?: unknown; status?: Record<string, unknown> } | null)?.status;
  if ((doc as { kind?: unknown })?.kind !== 'ExecCredential' || typeof status !== 'object' || !status)
    throw new KubeconfigError(`exec credential plugin ${command} printed no ExecCredential status`);
  const token = typeof status.token === 'string' ? status.token : undefined;
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined;
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined;
  if (!token && !(cert && key))
    throw new KubeconfigError(
      `exec credential plugin ${command} returned neither a token nor a client certificate and key`,
    );
  return { token, cert: cert ? Buffer.from(cert) : undefined, key: key ? Buffer.from(key) : undefined };
}

function runExec(config: NonNullable<RestConfig['exec']>): Promise<Credentials> {
  const apiVersion = config.apiVersion ?? 'client.authentication.k8s.io/v1';
  const env = { ...process.env };
  for (const { name, value } of config.env ?? []) env[name] = value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion,
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
  return new Promise((resolve, reject) => {
    execFile(config.command, config.args ?? [], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) {
        const why =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'was not found'
            : `failed: ${stderr.trim() || error.message}`;
        reject(new KubeconfigError(`exec credential plugin ${config.command} ${why}`));
        return;
      }
      try {
        resolve(parseExecCredential(stdout, config.command));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** The credentials to present: static ones, a token file's content, or an exec plugin's answer. */
export async function credentials(config: RestConfig): Promise<Credentials> {
  if (config.token) return { token: config.token, cert: config.cert, key: config.key };
  if (config.tokenFile) {
    try {
      return { token: readFileSync(config.tokenFile, 'utf8').trim(), cert: config.cert, key: config.key };
    } catch (error) {
      throw new KubeconfigError(
        `cannot read the token file ${config.tokenFile}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
  }
  if (config.exec) {
    const fromPlugin = await runExec(config.exec);
    return {
      token: fromPlugin.token,
      cert: fromPlugin.cert ?? config.cert,
      key: fromPlugin.key ?? config.key,
    };
  }
  return { cert: config.cert, key: config.key };
}
