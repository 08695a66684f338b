#!/usr/bin/env bash
# Installs the Debian packages the real node (real-0) runs on when they are missing: containerd
# and runc run its containers, the CNI plugins give pods addresses, busybox-static fills the
# test images, iproute2 makes the pods' bridge. Skipped for a platform without the real node
# (KUBEHPC_REAL_NODE=0, or unset with KUBEHPC_LOCAL_DIR or KUBEHPC_PORT_BASE). Cheap when present.
set -euo pipefail
case "${KUBEHPC_REAL_NODE:-}" in
  0|false|no|off) exit 0 ;;
  "") if [ -n "${KUBEHPC_LOCAL_DIR:-}" ] || [ -n "${KUBEHPC_PORT_BASE:-}" ]; then exit 0; fi ;;
esac
missing=()
for pkg in containerd runc containernetworking-plugins busybox-static iproute2; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "kubehpc: the real node needs these Debian packages: ${missing[*]} (or set KUBEHPC_REAL_NODE=0)" >&2
  exit 1
fi
echo "kubehpc: installing Debian packages for the real node: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
