// What each control-plane process is: its binary, its command line and how to tell it is
// healthy. Pure: everything is derived from the layout, so the flags are read in one place.

import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  SCHEDULER_EXTENDER_MANAGED_RESOURCES,
  SCHEDULER_EXTENDER_VERBS,
  SYSTEM_NAMESPACE,
} from '../../../common/names.ts';
import type { Binaries } from '../binaries.ts';
import { HOST, type Layout } from '../layout.ts';
import { kwokUsageConfig, metricsServerSpec } from './metrics-server.ts';
import { prometheusAllowedUrls, prometheusSpec, prometheusUrl } from './prometheus.ts';

export const CLUSTER_NAME = 'kubehpc-local';
export const SERVICE_CIDR = '10.96.0.0/16';
/** First address of the service range: the `kubernetes` Service's ClusterIP. */
export const SERVICE_IP = '10.96.0.1';
export const POD_CIDR = '10.244.0.0/16';

export interface HealthProbe {
  url: string;
  /** Present the admin client certificate (kube-apiserver needs it for /readyz). */
  asAdmin: boolean;
  /** Verify the server against the cluster CA (false: plain HTTP). */
  tls: boolean;
}

export interface ComponentSpec {
  name: string;
  binary: string;
  args: string[];
  /** Files written (path → content) before the process starts; a change restarts it. */
  files?: Record<string, string>;
  /** Source folders and files of a program run from source (TypeScript): an edit there restarts it. */
  sources?: string[];
  /**
   * Started, and healthy, right after kube-apiserver and before the other components (the
   * scheduler extender must answer before kube-scheduler's first call).
   */
  early?: boolean;
  /**
   * Started once the kubehpc API server is registered with the aggregation layer (the
   * controllers list ProjectServices through it).
   */
  late?: boolean;
  /**
   * The platform is usable without it (metrics-server: only `kubectl top` and CPU/memory
   * rules need it): a start that fails is a warning, not a failed `up`.
   */
  optional?: boolean;
  health: HealthProbe;
}

/**
 * The kubehpc API server's command line on this platform, listening on `port` (the bench runs
 * variants of it beside the platform's own: bench/apiserver/variants.ts).
 */
export function kubehpcApiserverArgs(l: Layout, port: number): string[] {
  const pki = (file: string) => join(l.pkiDir, file);
  return [
    // V8's old space sized as in a pod (manifests/apiserver), not from the host's RAM: on a
    // 24 GiB machine V8 lets garbage pile up to ~500 MiB before its first full collection.
    '--max-old-space-size=512',
    join(l.repoRoot, 'apiserver', 'src', 'main.ts'),
    `--bind-address=${HOST}`,
    `--secure-port=${port}`,
    `--tls-cert-file=${pki('kubehpc-apiserver-serving.crt')}`,
    `--tls-private-key-file=${pki('kubehpc-apiserver-serving.key')}`,
    `--etcd-servers=https://${HOST}:${l.ports.etcdClient}`,
    `--etcd-cafile=${pki('ca.crt')}`,
    `--etcd-certfile=${pki('kubehpc-apiserver-etcd-client.crt')}`,
    `--etcd-keyfile=${pki('kubehpc-apiserver-etcd-client.key')}`,
    `--kube-apiserver=https://${HOST}:${l.ports.apiserver}`,
    `--kube-ca-file=${pki('ca.crt')}`,
    `--kube-client-cert-file=${pki('kubehpc-apiserver-client.crt')}`,
    `--kube-client-key-file=${pki('kubehpc-apiserver-client.key')}`,
  ];
}

export function componentSpecs(l: Layout, bin: Binaries): ComponentSpec[] {
  const pki = (file: string) => join(l.pkiDir, file);
  const kubeconfig = (who: string) => join(l.configDir, `${who}.kubeconfig`);
  const p = l.ports;
  const apiserverUrl = `https://${HOST}:${p.apiserver}`;
  const schedulerConfigPath = join(l.configDir, 'kube-scheduler.yaml');
  const kwokUsagePath = join(l.configDir, 'kwok-usage.yaml');
  return [
    {
      name: 'etcd',
      binary: bin.etcd,
      args: [
        '--name=kubehpc-local',
        `--data-dir=${l.etcdDataDir}`,
        `--listen-client-urls=https://${HOST}:${p.etcdClient}`,
        `--advertise-client-urls=https://${HOST}:${p.etcdClient}`,
        `--listen-peer-urls=http://${HOST}:${p.etcdPeer}`,
        `--initial-advertise-peer-urls=http://${HOST}:${p.etcdPeer}`,
        `--initial-cluster=kubehpc-local=http://${HOST}:${p.etcdPeer}`,
        `--listen-metrics-urls=http://${HOST}:${p.etcdMetrics}`,
        `--cert-file=${pki('etcd-server.crt')}`,
        `--key-file=${pki('etcd-server.key')}`,
        `--trusted-ca-file=${pki('ca.crt')}`,
        '--client-cert-auth=true',
        '--auto-compaction-mode=periodic',
        '--auto-compaction-retention=5m',
        '--quota-backend-bytes=4294967296',
        '--log-level=warn',
      ],
      health: { url: `http://${HOST}:${p.etcdMetrics}/health`, asAdmin: false, tls: false },
    },
    {
      name: 'kube-apiserver',
      binary: bin.kubeApiserver,
      args: [
        `--etcd-servers=https://${HOST}:${p.etcdClient}`,
        `--etcd-cafile=${pki('ca.crt')}`,
        `--etcd-certfile=${pki('apiserver-etcd-client.crt')}`,
        `--etcd-keyfile=${pki('apiserver-etcd-client.key')}`,
        `--bind-address=${HOST}`,
        `--advertise-address=${HOST}`,
        `--secure-port=${p.apiserver}`,
        `--tls-cert-file=${pki('apiserver.crt')}`,
        `--tls-private-key-file=${pki('apiserver.key')}`,
        `--client-ca-file=${pki('ca.crt')}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--allow-privileged=true',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki('sa.pub')}`,
        `--service-account-signing-key-file=${pki('sa.key')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
        // The real node reports its name as its Hostname address, which nothing resolves.
        '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
        // The aggregation layer: the front-proxy CA is separate from the client CA.
        `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`,
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-username-headers=X-Remote-User',
        '--requestheader-uid-headers=X-Remote-Uid',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        `--proxy-client-cert-file=${pki('front-proxy-client.crt')}`,
        `--proxy-client-key-file=${pki('front-proxy-client.key')}`,
        // No kube-proxy runs locally. Without aggregator routing, kube-apiserver resolves an
        // APIService's ExternalName Service to its external name (localhost), all on loopback.
        '--enable-aggregator-routing=false',
        '--endpoint-reconciler-type=none',
        '--profiling=false',
        '--v=1',
      ],
      health: { url: `${apiserverUrl}/readyz`, asAdmin: true, tls: true },
    },
    {
      name: 'kube-controller-manager',
      binary: bin.kubeControllerManager,
      args: [
        `--kubeconfig=${kubeconfig('controller-manager')}`,
        `--authentication-kubeconfig=${kubeconfig('controller-manager')}`,
        `--authorization-kubeconfig=${kubeconfig('controller-manager')}`,
        `--bind-address=${HOST}`,
        `--secure-port=${p.controllerManager}`,
        `--tls-cert-file=${pki('controller-manager-serving.crt')}`,
        `--tls-private-key-file=${pki('controller-manager-serving.key')}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`,
        `--root-ca-file=${pki('ca.crt')}`,
        `--service-account-private-key-file=${pki('sa.key')}`,
        `--cluster-signing-cert-file=${pki('ca.crt')}`,
        `--cluster-signing-key-file=${pki('ca.key')}`,
        `--cluster-name=${CLUSTER_NAME}`,
        `--cluster-cidr=${POD_CIDR}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--use-service-account-credentials=true',
        // Each controller's client is limited to 20 requests/s (burst 30) by default: a burst of
        // 100 Deployments waited on the Deployment controller's limiter, not on the machine
        // (docs/benchmarks.md, issue 16). Real clusters raise these too.
        '--kube-api-qps=100',
        '--kube-api-burst=200',
        '--controllers=*,bootstrapsigner,tokencleaner',
        '--leader-elect=false',
        '--profiling=false',
        '--v=1',
      ],
      health: { url: `https://${HOST}:${p.controllerManager}/healthz`, asAdmin: false, tls: true },
    },
    {
      name: SCHEDULER_EXTENDER,
      // A TypeScript program run by the Node that runs `up`; isRunning compares /proc/<pid>/exe.
      binary: process.execPath,
      args: [
        join(l.repoRoot, 'scheduler-extender', 'src', 'main.ts'),
        `--kubeconfig=${kubeconfig('scheduler-extender')}`,
        `--host=${HOST}`,
        `--port=${p.schedulerExtender}`,
        '--log-level=info',
      ],
      sources: [join(l.repoRoot, 'scheduler-extender', 'src'), join(l.repoRoot, 'common')],
      early: true,
      // Ready once its informers have synced: the scheduler's first pods see a warm cache.
      health: { url: `http://${HOST}:${p.schedulerExtender}/readyz`, asAdmin: false, tls: false },
    },
    {
      name: 'kube-scheduler',
      binary: bin.kubeScheduler,
      args: [
        `--config=${schedulerConfigPath}`,
        `--authentication-kubeconfig=${kubeconfig('scheduler')}`,
        `--authorization-kubeconfig=${kubeconfig('scheduler')}`,
        `--bind-address=${HOST}`,
        `--secure-port=${p.scheduler}`,
        `--tls-cert-file=${pki('scheduler-serving.crt')}`,
        `--tls-private-key-file=${pki('scheduler-serving.key')}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--requestheader-client-ca-file=${pki('front-proxy-ca.crt')}`,
        '--v=1',
      ],
      files: { [schedulerConfigPath]: stringify(schedulerConfiguration(l)) },
      health: { url: `https://${HOST}:${p.scheduler}/healthz`, asAdmin: false, tls: true },
    },
    {
      name: 'kwok',
      binary: bin.kwok,
      args: [
        `--kubeconfig=${kubeconfig('kwok')}`,
        `--config=${bin.kwokStages}`,
        // Simulated CPU and memory usage, served for metrics-server (metrics-server.ts).
        `--config=${kwokUsagePath}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        `--server-address=${HOST}:${p.kwok}`,
        `--tls-cert-file=${pki('kwok-serving.crt')}`,
        `--tls-private-key-file=${pki('kwok-serving.key')}`,
        `--node-ip=${HOST}`,
        `--node-port=${p.kwok}`,
        '--cidr=10.244.0.0/16',
        '--node-lease-duration-seconds=40',
      ],
      files: { [kwokUsagePath]: kwokUsageConfig() },
      health: { url: `https://${HOST}:${p.kwok}/healthz`, asAdmin: false, tls: true },
    },
    {
      name: KUBEHPC_APISERVER,
      // A TypeScript program run by the Node that runs `up`; isRunning compares /proc/<pid>/exe.
      binary: process.execPath,
      args: kubehpcApiserverArgs(l, p.kubehpcApiserver),
      // Its own code only: an edit to the controllers restarts them, not the API server.
      sources: [
        ...['storage', 'registry', 'server', 'cmd', 'main.ts'].map((part) =>
          join(l.repoRoot, 'apiserver', 'src', part),
        ),
        join(l.repoRoot, 'common'),
      ],
      // Ready once etcd answers and the aggregation layer's authentication config is loaded.
      health: { url: `https://${HOST}:${p.kubehpcApiserver}/readyz`, asAdmin: false, tls: true },
    },
    prometheusSpec(l),
    metricsServerSpec(l, bin.metricsServer),
    {
      name: KUBEHPC_CONTROLLERS,
      binary: process.execPath,
      args: [
        join(l.repoRoot, 'apiserver', 'src', 'controllers', 'main.ts'),
        `--kubeconfig=${kubeconfig('kubehpc-controller-manager')}`,
        `--bind-address=${HOST}`,
        `--metrics-port=${p.kubehpcControllers}`,
        `--lease-namespace=${SYSTEM_NAMESPACE}`,
        '--leader-elect=true',
        `--prometheus-url=${prometheusUrl(l)}`,
        `--prometheus-allowed-urls=${prometheusAllowedUrls(l).join(',')}`,
        // Snappier than the HPA's 15 s: the local platform is where users try scaling out.
        '--scaling-period=5',
      ],
      sources: [join(l.repoRoot, 'apiserver', 'src', 'controllers'), join(l.repoRoot, 'common')],
      late: true,
      // Ready once it leads and its informers have synced (or stands by for another leader).
      health: { url: `http://${HOST}:${p.kubehpcControllers}/readyz`, asAdmin: false, tls: false },
    },
  ];
}

/** The kubehpc aggregated API server's component name (and its log and run-record name). */
export const KUBEHPC_APISERVER = 'kubehpc-apiserver';

export const SCHEDULER_EXTENDER = 'scheduler-extender';

/** The kubehpc controllers (ProjectService) process. */
export const KUBEHPC_CONTROLLERS = 'kubehpc-controllers';

/**
 * KubeSchedulerConfiguration of the local scheduler, with the kubehpc extender. The extender is
 * not ignorable: were it skipped while down, single-NUMA pods could land across zones and
 * local disk (ignored by the scheduler's own fit) would be overcommitted, silently. Pods
 * requesting none of its managed resources never reach it, so they schedule regardless.
 * KUBEHPC_EXTENDER_SINGLE_ROUND_TRIP=1 configures the extender's single-round-trip mode: one
 * filter call that keeps the best-scored nodes, no prioritize call.
 */
export function schedulerConfiguration(
  l: Layout,
  singleRoundTrip = process.env.KUBEHPC_EXTENDER_SINGLE_ROUND_TRIP === '1',
): Record<string, unknown> {
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig: join(l.configDir, 'scheduler.kubeconfig'), qps: 200, burst: 400 },
    leaderElection: { leaderElect: false },
    profiles: [{ schedulerName: 'default-scheduler' }],
    extenders: [
      {
        urlPrefix: `http://${HOST}:${l.ports.schedulerExtender}`,
        ...(singleRoundTrip
          ? { filterVerb: SCHEDULER_EXTENDER_VERBS.filterBest }
          : {
              filterVerb: SCHEDULER_EXTENDER_VERBS.filter,
              prioritizeVerb: SCHEDULER_EXTENDER_VERBS.prioritize,
            }),
        weight: 1,
        enableHTTPS: false,
        nodeCacheCapable: true,
        managedResources: SCHEDULER_EXTENDER_MANAGED_RESOURCES.map((r) => ({ ...r })),
        ignorable: false,
        httpTimeout: '5s',
      },
    ],
  };
}
