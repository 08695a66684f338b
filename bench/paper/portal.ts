// The paper's `portal` service and its CPU rule, as objects for kube-apiserver. Pure.
//
// Why CPU follows load: the portal is busybox's httpd in the platform's busybox test image,
// run on the real node. httpd forks a process per connection and runs /cgi-bin/work as a CGI
// script: a fork, an exec of a shell and a loop of `work` additions, so each request costs a
// fixed slice of CPU time (a few milliseconds) and nothing else (no sleep, no I/O). The pod's
// CPU is capped at its request (the ProjectService controller sets limits equal to requests),
// so a saturated replica reads 100 % of its request in metrics.k8s.io, above the 80 % target,
// and the HPA formula asks ceil(n × 100 / 80) replicas until the load is spread thin enough;
// without load the replica burns nothing and the count falls back to the minimum.
// The health check is TCP (the kernel completes the handshake however busy httpd is), so a
// saturated replica is not restarted by its liveness probe nor taken out of the endpoints.

import { API_VERSION, APPS_GROUP, REAL_NODE_ANNOTATION, SCALING_GROUP } from '../../common/names.ts';
import { BUSYBOX_IMAGE } from '../../platform/src/realnode/config.ts';

export const PORTAL = 'portal';
export const POLICY = 'portal-cpu';
export const PORTAL_PORT = 8080;
export const WORK_PATH = '/cgi-bin/work';
/** The paper's rule: CPU at 80 % of the request. */
export const TARGET_UTILIZATION = 80;

export interface PortalOptions {
  /** CPU request (= limit) per replica, a Kubernetes quantity. */
  cpu: string;
  /** Loop iterations of the CGI per request. */
  work: number;
}

/** The CGI script: burns `work` iterations of shell arithmetic, then answers 200 text/plain. */
export function cgiScript(work: number): string {
  if (!Number.isInteger(work) || work < 0) throw new Error(`work must be a whole number ≥ 0, got ${work}`);
  return [
    '#!/bin/sh',
    'i=0',
    `while [ $i -lt ${work} ]; do i=$((i+1)); done`,
    'printf \'Content-Type: text/plain\\r\\n\\r\\nok %s\\n\' "$i"',
    '',
  ].join('\n');
}

/** Writes the site from $CGI (the env var), then runs httpd in the foreground, gone on SIGTERM. */
const START = [
  'mkdir -p /tmp/www/cgi-bin',
  'echo portal > /tmp/www/index.html',
  'printf "%s" "$CGI" > /tmp/www/cgi-bin/work',
  'chmod 755 /tmp/www/cgi-bin/work',
  `httpd -f -p ${PORTAL_PORT} -h /tmp/www & pid=$!`,
  "trap 'kill $pid; exit 0' TERM",
  'wait $pid',
].join('; ');

export function portalService(namespace: string, options: PortalOptions): Record<string, unknown> {
  return {
    apiVersion: `${APPS_GROUP}/${API_VERSION}`,
    kind: 'ProjectService',
    metadata: { name: PORTAL, namespace, annotations: { [REAL_NODE_ANNOTATION]: 'true' } },
    spec: {
      image: BUSYBOX_IMAGE,
      command: ['sh', '-c', START],
      env: [{ name: 'CGI', value: cgiScript(options.work) }],
      replicas: 1,
      ports: [{ name: 'http', port: PORTAL_PORT }],
      // Memory for up to a hundred concurrent CGI shells (each a few hundred KiB).
      resources: { cpu: options.cpu, memory: '96Mi' },
      healthCheck: { tcp: { port: 'http' }, periodSeconds: 1 },
    },
  };
}

export interface PolicyOptions {
  maxReplicas: number;
  scaleDownWindowSeconds: number;
  cpuInitializationSeconds: number;
}

export function portalPolicy(namespace: string, options: PolicyOptions): Record<string, unknown> {
  return {
    apiVersion: `${SCALING_GROUP}/${API_VERSION}`,
    kind: 'ScalingPolicy',
    metadata: { name: POLICY, namespace },
    spec: {
      targetRef: { name: PORTAL },
      minReplicas: 1,
      maxReplicas: options.maxReplicas,
      cpuInitializationPeriodSeconds: options.cpuInitializationSeconds,
      rules: [{ name: 'cpu', resource: { name: 'cpu', targetUtilization: TARGET_UTILIZATION } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: options.scaleDownWindowSeconds } },
    },
  };
}
