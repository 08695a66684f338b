// Faults during writes, on a platform of its own (its own folder and ports, no real node) so no
// other test sees them: while clients create ProjectServices concurrently through kube-apiserver,
// each of kubehpc-apiserver, etcd, kube-apiserver and the kubehpc controllers is killed with
// SIGKILL and started again the way an operator does (`npm run up` restarts only what died).
// No acknowledged (201) create may be lost, every ProjectService that exists afterwards must be
// realised by the controllers, and the unavailability window is reported (not asserted: tests
// never assert on wall-clock time; the numbers are in docs/benchmarks.md).

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { KUBEHPC_APISERVER, KUBEHPC_CONTROLLERS } from '../../../platform/src/components/specs.ts';
import { HOST, layout } from '../../../platform/src/layout.ts';
import { isRunning, readRecord } from '../../../platform/src/supervisor.ts';
import { eventually, platform } from '../../support/cluster.ts';
import { secondPlatformEnv } from '../../support/second-platform.ts';

const run = promisify(execFile);
/**
 * The platform's port base, and fallbacks: the ports lie in the kernel's ephemeral range, where
 * another platform's long-lived connections (kube-apiserver to its etcd) can hold one of them.
 */
const PORT_BASES = [35310, 35340, 35370, 35400, 35430];
/** Creates acknowledged before the kill, and again after it, per fault. */
const ACKS_EACH_SIDE = 10;
const WORKERS = 4;

const dir = await mkdtemp(join(tmpdir(), 'kubehpc-faults-'));
const env = await secondPlatformEnv(dir, PORT_BASES, { KUBEHPC_REAL_NODE: '0' });
const other = layout(env);

async function platformCli(script: 'up' | 'down'): Promise<{ code: number; out: string }> {
  try {
    // Through env(1): tap instruments node children it sees spawned; an operator's is not.
    const { stdout, stderr } = await run(
      'env',
      ['-u', 'NODE_OPTIONS', process.execPath, `platform/src/cli/${script}.ts`],
      { cwd: platform.repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

t.teardown(async () => {
  await platformCli('down');
  await rm(dir, { recursive: true, force: true });
});

// A platform start and four faults, each with a restart: longer than the runner's default on a
// loaded machine (a few minutes on an idle one).
t.setTimeout(1_800_000);
const started = await platformCli('up');
if (started.code !== 0) throw new Error(`the faults platform did not start:\n${started.out}`);
t.comment(`the faults platform runs on port base ${env.KUBEHPC_PORT_BASE}`);

const tls = (() => {
  const pki = (f: string) => readFileSync(join(other.pkiDir, f));
  return { ca: pki('ca.crt'), cert: pki('admin.crt'), key: pki('admin.key') };
})();

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** One request as the admin, on a connection of its own (a killed server drops pooled ones). */
function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: HOST,
        port: other.ports.apiserver,
        path,
        method,
        agent: false,
        timeout: 20_000,
        ...tls,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            json = { text };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const PS = (ns: string) => `/apis/apps.kubehpc.dev/v1alpha1/namespaces/${ns}/projectservices`;

interface Attempt {
  name: string;
  began: number;
  ended: number;
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
}

/** Workers creating ProjectServices one after another until stopped; every attempt recorded. */
function createLoad(ns: string) {
  const attempts: Attempt[] = [];
  let stopping = false;
  let next = 0;
  /** Set at the kill: the workers stop once enough creates after it were acknowledged. */
  let killedAt = Number.POSITIVE_INFINITY;
  const ackedSince = (after: number) => attempts.filter((a) => a.status === 201 && a.began >= after);
  const worker = async () => {
    while (!stopping && ackedSince(killedAt).length < ACKS_EACH_SIDE) {
      const name = `ps-${next++}`;
      const began = Date.now();
      let status = 0;
      try {
        status = (
          await call('POST', PS(ns), {
            apiVersion: 'apps.kubehpc.dev/v1alpha1',
            kind: 'ProjectService',
            metadata: { name },
            // No replicas: realising a service is the controller's work (Deployment, Service,
            // status), not the scheduler's, and the test stays fast on a shared machine.
            spec: { image: 'registry.example/portal:1', replicas: 0, ports: [{ name: 'http', port: 8080 }] },
          })
        ).status;
      } catch {
        status = 0;
      }
      attempts.push({ name, began, ended: Date.now(), status });
      if (status !== 201) await new Promise((r) => setTimeout(r, 100));
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  return {
    attempts,
    acked: (after = 0) => ackedSince(after),
    killed: (at: number) => {
      killedAt = at;
    },
    stop: async () => {
      stopping = true;
      await Promise.all(workers);
    },
  };
}

interface Listed {
  metadata: { name: string; generation?: number };
  status?: { phase?: string; observedGeneration?: number };
}

async function listNames(path: string): Promise<Listed[]> {
  const answer = await call('GET', path);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
  return answer.json.items as Listed[];
}

const VICTIMS = [KUBEHPC_APISERVER, 'etcd', 'kube-apiserver', KUBEHPC_CONTROLLERS];

for (const victim of VICTIMS) {
  t.test(`SIGKILL of ${victim} during concurrent creates loses no acknowledged write`, async (t) => {
    const ns = `faults-${victim}`;
    const created = await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    t.equal(created.status, 201, JSON.stringify(created.json));
    const load = createLoad(ns);
    try {
      await eventually(
        `${ACKS_EACH_SIDE} creates acknowledged before the kill`,
        async () => (load.acked().length >= ACKS_EACH_SIDE ? true : undefined),
        120_000,
      );
      const record = await readRecord(other.runDir, victim);
      t.ok(record && isRunning(record), `${victim} runs`);
      if (!record) return;
      const killedAt = Date.now();
      load.killed(killedAt);
      process.kill(record.pid, 'SIGKILL');
      await eventually(`${victim} to die`, async () => (isRunning(record) ? undefined : true), 10_000);
      // The dead process's ports can be taken for a moment by another program's outgoing
      // connection (they lie in the ephemeral range): up refuses then, starting nothing; again.
      let restarted = await platformCli('up');
      for (let i = 0; i < 30 && restarted.code !== 0 && /ports already in use/.test(restarted.out); i++) {
        await new Promise((r) => setTimeout(r, 2000));
        restarted = await platformCli('up');
      }
      t.equal(restarted.code, 0, restarted.out);
      t.match(restarted.out, new RegExp(`started ${victim} `), `${victim} was started again`);
      const restartMs = Date.now() - killedAt;
      await eventually(
        `${ACKS_EACH_SIDE} creates acknowledged after the kill`,
        async () => (load.acked(killedAt).length >= ACKS_EACH_SIDE ? true : undefined),
        180_000,
      );
      await load.stop();

      const acked = load.acked().map((a) => a.name);
      const stored = new Set((await listNames(PS(ns))).map((o) => o.metadata.name));
      t.same(
        acked.filter((name) => !stored.has(name)),
        [],
        `all ${acked.length} acknowledged creates are stored`,
      );
      const after = load.acked(killedAt).sort((a, b) => a.ended - b.ended)[0];
      const unanswered = load.attempts.filter((a) => a.status === 0).length;
      const refused = load.attempts.filter((a) => a.status !== 0 && a.status !== 201).length;
      const windowMs = after ? after.ended - killedAt : Number.NaN;
      t.comment(
        `${victim}: unavailability window ${windowMs} ms from the SIGKILL to the first acknowledged create ` +
          `(the restart by npm run up returned after ${restartMs} ms); ${acked.length} acknowledged, ` +
          `${refused} refused with a status, ${unanswered} unanswered, ${stored.size} stored`,
      );

      // Every service that exists, acknowledged or not, is realised: its Deployment and Service
      // exist and its status reports the current generation Running.
      let pending: string[] = [];
      const realised = await eventually(
        `every ProjectService in ${ns} realised`,
        async () => {
          const services = await listNames(PS(ns));
          const deployments = new Set(
            (await listNames(`/apis/apps/v1/namespaces/${ns}/deployments`)).map((d) => d.metadata.name),
          );
          const svcs = new Set(
            (await listNames(`/api/v1/namespaces/${ns}/services`)).map((s) => s.metadata.name),
          );
          pending = services
            .filter(
              (ps) =>
                !deployments.has(ps.metadata.name) ||
                !svcs.has(ps.metadata.name) ||
                ps.status?.phase !== 'Running' ||
                ps.status.observedGeneration !== ps.metadata.generation,
            )
            .map((ps) => `${ps.metadata.name}:${ps.status?.phase ?? 'no status'}`);
          return pending.length === 0 ? services.length : undefined;
        },
        300_000,
      ).catch((error: Error) => {
        t.fail(`${error.message}; not realised: ${pending.join(', ')}`);
        return 0;
      });
      t.ok(realised >= acked.length, `every one of the ${realised} ProjectServices in ${ns} is realised`);
    } finally {
      await load.stop();
    }
  });
}
