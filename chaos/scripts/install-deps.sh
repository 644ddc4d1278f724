#!/usr/bin/env bash
# Installs the host tools the chaos harness drives: iproute2 (ip netns, tc), iptables and
# nftables (link cuts), prometheus (a real scraper/PromQL engine), podman + runc (a Docker-API
# engine; the default crun fails on these machines' cgroup layout, see
# shared/reference/environment.md), netavark + aardvark-dns (podman networks where containers
# find each other by name; Debian's default CNI backend has no DNS without extra plugins),
# busybox-static (the shell of our registry-free base image), curl (socket health checks).
# Also Debian's kubectl, which the deploy specs render the Kubernetes manifests with, extracted
# into tmp/tools rather than installed (deploy/scripts/extract-kubectl.sh says why).
# Idempotent and quiet: installs only what is missing, prints one line saying what it did.
set -euo pipefail

if [[ "$(id -u)" != "0" ]]; then
  echo "install-deps: not root, skipping (netns, iptables and podman faults need root)" >&2
  exit 0
fi

bash "$(dirname "$0")/../../deploy/scripts/extract-kubectl.sh"

# package -> a file it installs, to test presence without asking dpkg about every package.
declare -A probe=(
  [iproute2]=/usr/sbin/ip
  [iptables]=/usr/sbin/iptables
  [nftables]=/usr/sbin/nft
  [prometheus]=/usr/bin/prometheus
  [podman]=/usr/bin/podman
  [runc]=/usr/sbin/runc
  [busybox-static]=/bin/busybox
  [netavark]=/usr/lib/podman/netavark
  [aardvark-dns]=/usr/lib/podman/aardvark-dns
  [curl]=/usr/bin/curl
)

missing=()
for pkg in "${!probe[@]}"; do
  [[ -x "${probe[$pkg]}" ]] || missing+=("$pkg")
done

if (( ${#missing[@]} == 0 )); then
  echo "install-deps: all present"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# --no-install-recommends keeps podman from pulling in crun-only extras; runc is asked for by name.
log="$(mktemp)"
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
# Debian's prometheus package starts a system service on :9090; the harness runs its own
# instances on free ports, so stop the packaged one if a service manager started it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus >/dev/null 2>&1 || true
fi
echo "install-deps: installed ${missing[*]}"
