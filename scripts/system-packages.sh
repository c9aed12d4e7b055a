#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# Silent and fast when everything is already there, so `make` can call it every time.
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg-major.sh
source scripts/pg-major.sh
if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

# The distribution's PostgreSQL major (Debian 12: 15, Ubuntu 24.04: 16, Debian 13: 17), or that of
# the existing local cluster. A machine whose package lists were never fetched learns it after an update.
if ! PG=$(pg_major .data/pg/PG_VERSION 2>/dev/null); then
  "${SUDO[@]}" apt-get update -qq
  PG=$(pg_major .data/pg/PG_VERSION)
fi

PACKAGES=(
  "postgresql-$PG" "postgresql-$PG-postgis-3"  # local PostGIS cluster
  "postgresql-$PG-pgrouting"              # road network distances (maps/routing.py)
  gdal-bin libgdal-dev                    # GeoDjango's GDAL/GEOS/PROJ
  libpq-dev gcc python3-dev python3-venv  # building psycopg2
  gettext                                 # compiling translations
  chromium                                # browser tests (Playwright drives it)
  fonts-dejavu-core                       # Vietnamese glyphs in rendered pages/PDFs
  libpango-1.0-0 libpangoft2-1.0-0        # WeasyPrint (PDF reports)
  poppler-utils                           # pdftotext: tests read the PDF reports back
)

# Node.js and npm vendor Workbox at set-up (scripts/vendor.sh); a machine that already has
# them (from any source) keeps its own.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing system packages: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
