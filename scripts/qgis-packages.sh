#!/usr/bin/env bash
# QGIS for the tests that drive it as a GIS client (tests/browser/test_ogc_qgis.py): Debian's
# python3-qgis (QGIS 3.22 on Debian 12) and its data providers (the OAPIF provider is in
# qgis-providers). Only `make test` installs it; the application never needs QGIS.
# Silent and fast when it is there already.
set -euo pipefail
if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(python3-qgis qgis-providers)
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
echo "Installing QGIS for the GIS-client tests: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
