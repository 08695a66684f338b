// The real node (real-0): where its parts keep their state, and the configuration of
// containerd, the CNI network and the kubelet. Pure: everything derives from the layout.
//
// Only the kubelet's and containerd's few fixed host paths (hostPaths below) are outside
// .local/realnode; cleanup.ts removes what they leave there.

import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  NODE_CLASS_LABEL,
  REAL_NODE_ADDRESS,
  REAL_NODE_CLASS,
  REAL_NODE_NAME,
  REAL_NODE_TAINT,
} from '../../../common/names.ts';
import { HOST, type Layout } from '../layout.ts';

/** The pods' own address range: a bridge on this machine, no NAT, no route off it. */
export const POD_SUBNET = '10.245.0.0/24';
/** The host's address on the bridge: the only gateway-like address pods can reach. */
export const BRIDGE_ADDRESS = REAL_NODE_ADDRESS;
export const BRIDGE_PREFIX = 24;
export const BRIDGE = 'kubehpc0';
export const CNI_NETWORK = 'kubehpc-real';
/** Where Debian's containernetworking-plugins installs the plugins. */
export const CNI_BIN_DIR = '/usr/lib/cni';
export const PAUSE_IMAGE = 'kubehpc.local/pause:1';
/**
 * The kubelet's cAdvisor and its certificate watchers each take an inotify instance, as do
 * kube-apiserver and the other components; beside a second platform (the lifecycle and fault
 * tests start one) Linux's default of 128 per user runs out and the kubelet dies at start
 * ("inotify_init: too many open files"). `up` raises the limit to this when it is lower.
 */
export const INOTIFY_INSTANCES = 1024;

/** The busybox-based test image (platform/images/busybox). */
export const BUSYBOX_IMAGE = 'kubehpc.local/busybox:1';

/**
 * Host sysctls the real node changes — the kubelet's "kernel tunables", and the inotify
 * instance limit `up` raises (INOTIFY_INSTANCES) — saved before it first runs and restored
 * when the node stops.
 */
export const KUBELET_SYSCTLS = [
  'fs.inotify.max_user_instances',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
] as const;

/** Paths the kubelet and containerd use whatever their configuration says. */
export const HOST_PATHS = {
  /** The device-plugin registration socket and the kubelet's device checkpoint. */
  devicePlugins: '/var/lib/kubelet/device-plugins',
  /** The kubelet's symlinks to container logs. */
  containerLogLinks: '/var/log/containers',
  /** containerd's shim sockets (runtime v2 keeps them under the default state dir). */
  shimSockets: '/run/containerd/s',
  /** libcni's cache of attachment results. */
  cniCache: '/var/lib/cni/results',
  /** The cgroup hierarchies; the kubelet's pods live under kubepods in each. */
  cgroupRoot: '/sys/fs/cgroup',
} as const;

export interface RealNodePaths {
  dir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  containerdConfig: string;
  cniConfDir: string;
  cniConfig: string;
  ipamDir: string;
  kubeletRoot: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  podLogs: string;
  volumePlugins: string;
  savedSysctls: string;
}

export function realNodePaths(l: Layout): RealNodePaths {
  const dir = l.realNodeDir;
  return {
    dir,
    containerdRoot: join(dir, 'containerd', 'root'),
    containerdState: join(dir, 'containerd', 'state'),
    containerdSocket: join(dir, 'containerd', 'containerd.sock'),
    containerdConfig: join(l.configDir, 'containerd.toml'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    cniConfig: join(dir, 'cni', 'net.d', `10-${CNI_NETWORK}.conflist`),
    ipamDir: join(dir, 'cni', 'ipam'),
    kubeletRoot: join(dir, 'kubelet'),
    kubeletConfig: join(l.configDir, 'kubelet.yaml'),
    kubeletKubeconfig: join(l.configDir, 'kubelet.kubeconfig'),
    podLogs: join(dir, 'pod-logs'),
    volumePlugins: join(dir, 'volume-plugins'),
    savedSysctls: join(l.localDir, 'realnode-sysctls.json'),
  };
}

const quote = (value: string) => JSON.stringify(value);

/** containerd 1.6 configuration (version 2): everything under .local/realnode. */
export function containerdConfig(l: Layout): string {
  const p = realNodePaths(l);
  const cri = '[plugins."io.containerd.grpc.v1.cri"]';
  return `# Written by kubehpc's npm run up for the real node ${REAL_NODE_NAME}; edits are overwritten.
version = 2
root = ${quote(p.containerdRoot)}
state = ${quote(p.containerdState)}
# Nothing kubehpc needs; the opt plugin would install into /opt/containerd.
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${quote(p.containerdSocket)}

[ttrpc]
  address = ${quote(`${p.containerdSocket}.ttrpc`)}

[metrics]
  address = ${quote(`${HOST}:${l.ports.containerdMetrics}`)}

${cri}
  sandbox_image = ${quote(PAUSE_IMAGE)}
  # Root on this machine kind lacks CAP_SYS_RESOURCE: without this, runc cannot lower a
  # sandbox's oom_score_adj and every pod sandbox fails to start.
  restrict_oom_score_adj = true
  # Network namespaces under the state dir, not /var/run/netns.
  netns_mounts_under_state_dir = true
  stream_server_address = ${quote(HOST)}
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true

${cri.slice(0, -1)}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

${cri.slice(0, -1)}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

${cri.slice(0, -1)}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  # runc's own state, which would otherwise go to /run/containerd/runc.
  Root = ${quote(join(p.containerdState, 'runc'))}

${cri.slice(0, -1)}.cni]
  bin_dir = ${quote(CNI_BIN_DIR)}
  conf_dir = ${quote(p.cniConfDir)}
  max_conf_num = 1
`;
}

/** The pods' network: a bridge with host-local addresses; no gateway, masquerade or default route. */
export function cniConfig(l: Layout): string {
  const p = realNodePaths(l);
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: CNI_NETWORK,
      plugins: [
        {
          type: 'bridge',
          bridge: BRIDGE,
          // The bridge and its address are made by `up` (network.ts): with isGateway the
          // plugin would also turn on the host's IP forwarding, which must stay as it is.
          isGateway: false,
          isDefaultGateway: false,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: POD_SUBNET, rangeStart: '10.245.0.10', rangeEnd: '10.245.0.250' }]],
            dataDir: p.ipamDir,
          },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** KubeletConfiguration of real-0. */
export function kubeletConfiguration(l: Layout): Record<string, unknown> {
  const p = realNodePaths(l);
  const pki = (file: string) => join(l.pkiDir, file);
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    // The node's address is the host's on the pods' bridge: the kubelet refuses a loopback
    // node IP, and this one is reachable only from this machine and its pods.
    address: BRIDGE_ADDRESS,
    port: l.ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: HOST,
    healthzPort: l.ports.kubeletHealthz,
    tlsCertFile: pki('kubelet-serving.crt'),
    tlsPrivateKeyFile: pki('kubelet-serving.key'),
    // kube-apiserver (logs, exec) presents its kubelet-client certificate; other callers
    // (metrics-server) a token the kubelet reviews; every request is authorized by RBAC.
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki('ca.crt') },
    },
    authorization: { mode: 'Webhook' },
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    // This machine kind has cgroup v1 hierarchies, which Kubernetes 1.35+ refuses by default.
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    podLogsDir: p.podLogs,
    volumePluginDir: p.volumePlugins,
    registerWithTaints: [{ key: REAL_NODE_TAINT, value: 'true', effect: 'NoSchedule' }],
    // A shared development machine: evict only when it is truly out of room, and never
    // garbage-collect the imported images (no registry could bring them back).
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    maxPods: 30,
    // ConfigMap volumes are refreshed on a pod's periodic sync: keep a config push quick.
    syncFrequency: '10s',
    serializeImagePulls: false,
    resolvConf: '',
    clusterDomain: 'cluster.local',
    shutdownGracePeriod: '0s',
  };
}

export function kubeletArgs(l: Layout, binary: string): { binary: string; args: string[] } {
  const p = realNodePaths(l);
  return {
    binary,
    args: [
      `--config=${p.kubeletConfig}`,
      `--kubeconfig=${p.kubeletKubeconfig}`,
      `--root-dir=${p.kubeletRoot}`,
      `--hostname-override=${REAL_NODE_NAME}`,
      `--node-ip=${BRIDGE_ADDRESS}`,
      `--node-labels=${NODE_CLASS_LABEL}=${REAL_NODE_CLASS},node.kubernetes.io/instance-type=${REAL_NODE_CLASS}`,
      '--v=1',
    ],
  };
}

export function kubeletConfigYaml(l: Layout): string {
  return stringify(kubeletConfiguration(l));
}
