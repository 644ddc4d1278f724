#!/usr/bin/env bash
# Bundles our toxiproxy-compatible server (chaos/src/toxiproxy/main.ts) into one JS file with
# no node_modules needed at run time: dist/chaos/toxiproxy/main.js (or the path given).
# That file is the build context of docker/Dockerfile.toxiproxy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/dist/chaos/toxiproxy/main.js}"
mkdir -p "$(dirname "$out")"
"$root/node_modules/.bin/esbuild" "$root/chaos/src/toxiproxy/main.ts" \
  --bundle --platform=node --target=node20 --format=cjs --log-level=warning --outfile="$out"
echo "$out"
