#!/usr/bin/env bash
# Builds localhost/statestore-ha-prometheus:<version> from the host's /usr/bin/prometheus and
# the local base image (chaos/scripts/build-base-image.sh), for docker/docker-compose.yml on
# hosts with no registry:  PROMETHEUS_IMAGE=$(chaos/scripts/build-prometheus-image.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
base="${BASE_IMAGE:-localhost/statestore-ha-base:node20}"
version="$(/usr/bin/prometheus --version 2>&1 | head -1 | awk '{print $3}' | cut -d+ -f1)"
tag="${1:-localhost/statestore-ha-prometheus:${version}}"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
cp /usr/bin/prometheus "$ctx/prometheus"
cp "$root/docker/Dockerfile.prometheus" "$ctx/Dockerfile"
podman build --quiet --pull=never --build-arg BASE_IMAGE="$base" -t "$tag" "$ctx" >/dev/null
echo "$tag"
