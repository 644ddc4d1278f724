#!/usr/bin/env bash
# Stages the build context of docker/Dockerfile: the built apps (dist/apps/*), production-only
# node_modules (npm ci --omit=dev from the lockfile, served from npm's cache when warm), and a
# copy of the Dockerfile, so the image never sees dev tools or sources.
# Usage: chaos/scripts/stage-image-context.sh [outdir]   (default dist/image-context)
# Run the apps' build first (NX_DAEMON=false npx nx run-many -t build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/dist/image-context}"
if ! compgen -G "$root/dist/apps/*/main.js" >/dev/null; then
  echo "stage-image-context: no dist/apps/*/main.js; build the apps first" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/dist"
cp -r "$root/dist/apps" "$out/dist/apps"
cp "$root/package.json" "$root/package-lock.json" "$out/"
(cd "$out" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
cp "$root/docker/Dockerfile" "$out/Dockerfile"
echo "$out"
