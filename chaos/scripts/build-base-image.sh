#!/usr/bin/env bash
# Builds a Node base image with NO registry (none is reachable from these machines): the
# host's node binary, the shared libraries `ldd` lists for it, and busybox-static for a shell
# and the usual tools, imported with `podman import`. ~100 MB, a few seconds.
# Usage: chaos/scripts/build-base-image.sh [tag]   (default localhost/statestore-ha-base:node20)
# Docker users with registry access can use node:20-bookworm-slim instead (docker/Dockerfile's
# BASE_IMAGE build arg).
set -euo pipefail

tag="${1:-localhost/statestore-ha-base:node20}"
node_bin="$(readlink -f "$(command -v node)")"
# The image has no libc beyond node's, so busybox must be the static build (busybox-static).
if ! ldd /bin/busybox 2>&1 | grep -q 'not a dynamic executable'; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq busybox-static >/dev/null 2>&1
fi
busybox_bin=/bin/busybox

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,usr/local/bin,etc,tmp,app,home/node,proc,sys,dev,run}
chmod 1777 "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# node's libraries at the same paths; the dynamic loader itself is listed by its absolute path.
ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
done
# A non-root user for the daemons (uid 1000, like the official node images' `node`).
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
chown 1000:1000 "$root/home/node" "$root/app"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/bin' \
  --change 'WORKDIR /app' \
  --change 'CMD ["node"]' \
  --quiet - "$tag" >/dev/null
echo "$tag"
