// The benchmarks' HTTP client for kube-apiserver: the admin identity over keep-alive
// connections, JSON in and out, nothing else in the way of what is being measured.

import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import type { Layout } from '../platform/src/layout.ts';

export interface KubeHttp {
  /** A PATCH body is a JSON merge patch unless `contentType` says otherwise. */
  call(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Like call, but a status of 300 or more throws with the answer. */
  must(method: string, path: string, body?: unknown, contentType?: string): Promise<Record<string, unknown>>;
  /** The admin's TLS material, for a streaming request (a watch) of its own. */
  tls: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Closes the kept-alive connections. */
  close(): void;
}

/** Talks to kube-apiserver, or with `port` to another server of the platform (the kubehpc API server). */
export function kubeHttp(l: Layout, maxSockets: number, port: number = l.ports.apiserver): KubeHttp {
  const pki = (f: string) => readFileSync(join(l.pkiDir, f));
  const tls = { ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key') };
  const agent = new Agent({ keepAlive: true, maxSockets, ...tls });
  const call: KubeHttp['call'] = (method, path, body, contentType) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          agent,
          headers: payload
            ? {
                // A PATCH is a JSON merge patch; everything else sends a whole object.
                'Content-Type':
                  contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json'),
                'Content-Length': Buffer.byteLength(payload),
              }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: Record<string, unknown>;
            try {
              json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              json = { text };
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  };
  return {
    call,
    tls,
    close: () => agent.destroy(),
    async must(method, path, body, contentType) {
      const r = await call(method, path, body, contentType);
      if (r.status >= 300)
        throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      return r.json;
    },
  };
}
