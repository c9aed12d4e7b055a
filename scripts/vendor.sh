#!/usr/bin/env bash
# Vendors the front-end libraries named in package.json (pinned) into static/vendor/,
# served from our own static files (no CDN). `npm ci` installs exactly package-lock.json
# and refuses a package whose content does not match the lockfile's integrity hash
# (sha512). Skipped when the copy is newer than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=static/vendor/.installed
[[ -f $stamp && $stamp -nt package-lock.json ]] && exit 0
command -v npm >/dev/null || { echo "npm is missing: run scripts/system-packages.sh" >&2; exit 1; }
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf static/vendor/workbox
mkdir -p static/vendor/workbox
for module in workbox-sw workbox-core workbox-routing workbox-strategies workbox-expiration; do
  cp node_modules/$module/build/*.js static/vendor/workbox/
done
cp node_modules/workbox-sw/LICENSE static/vendor/workbox/LICENSE 2>/dev/null || true
touch "$stamp"
