#!/usr/bin/env bash
# Makes a Docker-API engine available for testcontainers on a machine with no Docker daemon:
# podman + runc from apt, a containers.conf that works on these machines (runc, not crun,
# which fails on their cgroup layout; explicit ulimits, since the inherited ones are refused;
# netavark + aardvark-dns so containers on a network find each other by name), and
# `podman system service` on a unix socket. Idempotent: a running service with the same
# config is kept. Prints the environment a suite needs as `export` lines:
#   eval "$(chaos/scripts/podman-setup.sh)"
# See shared/reference/environment.md "Containers".
set -euo pipefail

dir="${PODMAN_DIR:-/run/statestore-ha-podman}"
sock="$dir/podman.sock"
conf="$dir/containers.conf"

if [[ "$(id -u)" != "0" ]]; then
  echo "podman-setup: needs root (rootless podman is not set up on these machines)" >&2
  exit 1
fi

need=()
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v curl >/dev/null 2>&1 || need+=(curl)
[[ -x /usr/lib/podman/netavark ]] || need+=(netavark)
[[ -x /usr/lib/podman/aardvark-dns ]] || need+=(aardvark-dns)
if (( ${#need[@]} > 0 )); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1
fi

mkdir -p "$dir"
wanted='[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

[engine]
runtime = "runc"

[network]
network_backend = "netavark"'
printf '%s\n' "$wanted" >"$conf"
export CONTAINERS_CONF="$conf"

ping_ok() { curl -sf --max-time 2 --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; }

# A service whose working directory was deleted (started from a checkout since removed) answers
# pings but fails every container start ("write child: broken pipe" from conmon): restart it.
stale_cwd() { [[ -f "$dir/service.pid" ]] && [[ "$(readlink "/proc/$(cat "$dir/service.pid")/cwd" 2>/dev/null)" == *" (deleted)" ]]; }

# A service started with another config must go (its networks would use the old backend);
# service.conf is the config the running service was started with.
if ping_ok && { ! cmp -s "$conf" "$dir/service.conf" || stale_cwd; }; then
  [[ -f "$dir/service.pid" ]] && kill "$(cat "$dir/service.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do ping_ok || break; sleep 0.1; done
fi

# Podman used before with Debian's default CNI backend leaves a `cni-podman0` bridge on
# 10.88.0.0/16, the subnet netavark's `podman0` takes too: the duplicate route black-holes
# published ports (measured: curl to a container IP timed out). Remove it when it is idle.
if ip link show cni-podman0 >/dev/null 2>&1 && [[ -z "$(ip link show master cni-podman0 2>/dev/null)" ]]; then
  ip link del cni-podman0
fi

if ! ping_ok; then
  rm -f "$sock"
  # From /, never from the caller's checkout: the service outlives it (see stale_cwd).
  (cd / && exec nohup podman system service --time=0 "unix://$sock" >"$dir/service.log" 2>&1) &
  echo $! >"$dir/service.pid"
  cp "$conf" "$dir/service.conf"
  for _ in $(seq 1 100); do
    ping_ok && break
    sleep 0.1
  done
  ping_ok || { echo "podman-setup: service did not answer on $sock; see $dir/service.log" >&2; exit 1; }
fi

echo "export CONTAINERS_CONF=$conf"
echo "export DOCKER_HOST=unix://$sock"
# No registry is reachable, so Ryuk's image cannot be pulled; suites clean up in afterAll.
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
echo "export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
