#!/usr/bin/env bash
# The whole suite, as the README's test command and CI run it: build, types, lint, unit tests,
# the deterministic simulator, integration tests over real processes, and the chaos suites.
# As root it first installs the host tools the chaos harness needs (prometheus, iproute2,
# iptables, nftables, podman) from Debian's apt; without root those suites say why they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash chaos/scripts/install-deps.sh

started=$(date +%s)
npx nx run-many -t build --output-style=static
npx nx run-many -t typecheck lint --output-style=static
# Unit and integration tests; integration and chaos start real processes, so one project at a time.
npx nx run-many -t test --parallel=1 --output-style=static --skip-nx-cache
# The chaos suites on real processes: link faults (toxiproxy, and as root netns + iptables too),
# then crashes, pauses and restarts (kill -9 of the active, SIGSTOP, standby restart, catalogd).
npx nx run chaos:partition --output-style=static --skip-nx-cache
npx nx run chaos:crash --output-style=static --skip-nx-cache
echo "test-all: every suite passed in $(( $(date +%s) - started )) s"
