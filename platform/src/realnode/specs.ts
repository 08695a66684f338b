// The real node's two processes as platform components: containerd, then the kubelet.
// Pure: derived from the layout, the binaries and the files they are started with.

import type { Binaries } from '../binaries.ts';
import type { ComponentSpec } from '../components/specs.ts';
import { HOST, type Layout } from '../layout.ts';
import { cniConfig, containerdConfig, kubeletArgs, kubeletConfigYaml, realNodePaths } from './config.ts';

export const CONTAINERD = 'containerd';
export const KUBELET = 'kubelet';

/** containerd comes from Debian's package, the kubelet from the pinned release's cache entry. */
export const CONTAINERD_BINARY = '/usr/bin/containerd';

export function realNodeSpecs(
  l: Layout,
  bin: Binaries,
): { containerd: ComponentSpec; kubelet: ComponentSpec } {
  const p = realNodePaths(l);
  const kubelet = kubeletArgs(l, bin.kubelet);
  return {
    containerd: {
      name: CONTAINERD,
      binary: CONTAINERD_BINARY,
      args: ['--config', p.containerdConfig, '--log-level', 'warn'],
      files: { [p.containerdConfig]: containerdConfig(l), [p.cniConfig]: cniConfig(l) },
      health: { url: `http://${HOST}:${l.ports.containerdMetrics}/v1/metrics`, asAdmin: false, tls: false },
    },
    kubelet: {
      name: KUBELET,
      binary: kubelet.binary,
      args: kubelet.args,
      files: { [p.kubeletConfig]: kubeletConfigYaml(l) },
      health: { url: `http://${HOST}:${l.ports.kubeletHealthz}/healthz`, asAdmin: false, tls: false },
    },
  };
}
