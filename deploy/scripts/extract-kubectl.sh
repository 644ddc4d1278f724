#!/usr/bin/env bash
# Puts Debian 12's kubectl (package kubernetes-client, 1.20 with kustomize v2.0.3) at
# tmp/tools/kubernetes-client/usr/bin/kubectl, where the deploy specs look for it to render the
# kustomizations (deploy/src/kubernetes/kubectl-lookup.ts). chaos/scripts/install-deps.sh runs it
# as root; CI therefore renders with this kubectl whatever else the machine has.
#
# Extracted, not apt-installed: the package has no Conflicts/Replaces, so dpkg either refuses it
# ("trying to overwrite '/usr/bin/kubectl', which is also in package kubectl", on machines with
# Google's kubectl package, like this project's: then every other package of the same apt-get
# install fails with it) or, where /usr/bin/kubectl is a file no package owns, silently replaces
# the machine's newer kubectl. apt-get download still checks the package against the signed
# archive index, as an install would.
#
# Idempotent: does nothing when the binary is there and runs. Prints one line saying what it did.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/tmp/tools/kubernetes-client"
kubectl="$dest/usr/bin/kubectl"

if [[ -x "$kubectl" ]] && "$kubectl" version --client >/dev/null 2>&1; then
  echo "extract-kubectl: $("$kubectl" version --client --short 2>/dev/null || echo present) at ${kubectl#"$root/"}"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# _apt, apt's download user, must be able to write here, or apt warns and downloads as root.
chmod 755 "$work"
chown _apt "$work" 2>/dev/null || true

download() { (cd "$work" && apt-get download -qq kubernetes-client) >"$work/log" 2>&1; }
# A fresh machine may have no package lists yet; update only then, it takes seconds.
if ! download; then
  apt-get update -qq >/dev/null
  if ! download; then
    cat "$work/log" >&2
    echo "extract-kubectl: apt-get download kubernetes-client failed" >&2
    exit 1
  fi
fi

deb=("$work"/kubernetes-client_*.deb)
dpkg-deb -x "${deb[0]}" "$work/extracted"
"$work/extracted/usr/bin/kubectl" version --client >/dev/null
mkdir -p "$root/tmp/tools"
rm -rf "$dest"
mv "$work/extracted" "$dest"
# Run as root in someone's worktree: leave the files theirs, like the rest of the tree.
chown --reference="$root" "$root/tmp" 2>/dev/null || true
chown -R --reference="$root" "$root/tmp/tools" 2>/dev/null || true
echo "extract-kubectl: $(basename "${deb[0]}" .deb) -> ${kubectl#"$root/"}"
