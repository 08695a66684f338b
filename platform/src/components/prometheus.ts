// Prometheus on the local platform (Debian's `prometheus` package): scrapes the platform's own
// components and any target a test or a user adds by dropping a file into
// <config>/prometheus-targets/ (file-based service discovery, re-read every few seconds), so
// ScalingPolicy queries run against a real Prometheus HTTP API. Pure: a spec from the layout.

import { join } from 'node:path';
import { stringify } from 'yaml';
import { HOST, type Layout } from '../layout.ts';
import type { ComponentSpec } from './specs.ts';

export const PROMETHEUS = 'prometheus';
/** Debian installs it here; `.ci/run` installs the package. */
export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

/** Where file_sd target files go: `[{"targets": ["127.0.0.1:8080"], "labels": {...}}]`. */
export function prometheusTargetsDir(l: Layout): string {
  return join(l.configDir, 'prometheus-targets');
}

export function prometheusUrl(l: Layout): string {
  return `http://${HOST}:${l.ports.prometheus}`;
}

/**
 * What the scaling controller may query (--prometheus-allowed-urls): the platform's Prometheus,
 * and the spare address for a second one a user starts themselves.
 */
export function prometheusAllowedUrls(l: Layout): string[] {
  return [prometheusUrl(l), `http://${HOST}:${l.ports.prometheusSpare}`];
}

export function prometheusSpec(l: Layout): ComponentSpec {
  const p = l.ports;
  const pki = (file: string) => join(l.pkiDir, file);
  const configPath = join(l.configDir, 'prometheus.yml');
  const tls = { ca_file: pki('ca.crt'), cert_file: pki('admin.crt'), key_file: pki('admin.key') };
  const config = {
    global: { scrape_interval: '5s', evaluation_interval: '5s' },
    scrape_configs: [
      { job_name: 'etcd', static_configs: [{ targets: [`${HOST}:${p.etcdMetrics}`] }] },
      {
        job_name: 'kube-apiserver',
        scheme: 'https',
        tls_config: tls,
        static_configs: [{ targets: [`${HOST}:${p.apiserver}`] }],
      },
      { job_name: 'kubehpc-controllers', static_configs: [{ targets: [`${HOST}:${p.kubehpcControllers}`] }] },
      { job_name: 'scheduler-extender', static_configs: [{ targets: [`${HOST}:${p.schedulerExtender}`] }] },
      {
        job_name: 'kubehpc-apiserver',
        scheme: 'https',
        tls_config: tls,
        static_configs: [{ targets: [`${HOST}:${p.kubehpcApiserver}`] }],
      },
      {
        job_name: 'file-sd',
        file_sd_configs: [{ files: [join(prometheusTargetsDir(l), '*.json')], refresh_interval: '2s' }],
      },
    ],
  };
  return {
    name: PROMETHEUS,
    binary: PROMETHEUS_BINARY,
    args: [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(l.localDir, 'prometheus')}`,
      '--storage.tsdb.retention.time=6h',
      `--web.listen-address=${HOST}:${p.prometheus}`,
      '--log.level=warn',
    ],
    files: {
      [configPath]: stringify(config),
      // The directory must exist for the discovery to watch it.
      [join(prometheusTargetsDir(l), 'none.json')]: '[]\n',
    },
    health: { url: `${prometheusUrl(l)}/-/ready`, asAdmin: false, tls: false },
  };
}
