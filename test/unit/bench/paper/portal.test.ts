// The portal's CGI burns CPU per request and answers like a CGI must; checked by running it
// with Debian's busybox, the shell the real node's image holds.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import { cgiScript, portalPolicy, portalService } from '../../../../bench/paper/portal.ts';
import { REAL_NODE_ANNOTATION } from '../../../../common/names.ts';
import { BUSYBOX } from '../../../../platform/src/realnode/images.ts';

t.test(
  'the CGI loops `work` times and answers a CGI header and body',
  { skip: !existsSync(BUSYBOX) && `${BUSYBOX} is not installed (busybox-static)` },
  async (t) => {
    const out = execFileSync(BUSYBOX, ['sh', '-c', cgiScript(250)], { encoding: 'utf8' });
    t.equal(out, 'Content-Type: text/plain\r\n\r\nok 250\n');
  },
);

t.test('work must be a whole number (it is written into a shell script)', async (t) => {
  t.throws(() => cgiScript(-1), /whole number/);
  t.throws(() => cgiScript(1.5), /whole number/);
  t.throws(() => cgiScript(Number.NaN), /whole number/);
});

t.test('the portal asks for the real node, CPU request as given, a TCP health check', async (t) => {
  const ps = portalService('ns', { cpu: '100m', work: 10 }) as {
    metadata: { annotations: Record<string, string> };
    spec: { resources: { cpu: string }; healthCheck: unknown; env: Array<{ value: string }> };
  };
  t.equal(ps.metadata.annotations[REAL_NODE_ANNOTATION], 'true');
  t.equal(ps.spec.resources.cpu, '100m');
  t.same(ps.spec.healthCheck, { tcp: { port: 'http' }, periodSeconds: 1 });
  t.equal(ps.spec.env[0]?.value, cgiScript(10));
});

t.test("the policy is the paper's rule: CPU at 80 % of the request", async (t) => {
  const p = portalPolicy('ns', {
    maxReplicas: 7,
    scaleDownWindowSeconds: 30,
    cpuInitializationSeconds: 0,
  }) as {
    spec: Record<string, unknown>;
  };
  t.same(p.spec.rules, [{ name: 'cpu', resource: { name: 'cpu', targetUtilization: 80 } }]);
  t.match(p.spec, {
    minReplicas: 1,
    maxReplicas: 7,
    behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
  });
});
