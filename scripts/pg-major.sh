#!/usr/bin/env bash
# Prints the PostgreSQL major version (15, 16, 17 ...) set-up should use, so the same scripts
# work on Debian 12 (15), Ubuntu 24.04 (16) and Debian 13 (17) without editing.
# Order: PG_MAJOR if set; the version of an existing cluster (its PG_VERSION file, given as $1),
# since a cluster only runs under its own major; the distribution's candidate of the
# `postgresql` meta-package (apt-cache policy), when that major is installed or nothing is;
# otherwise the newest installed server under PG_LIB_DIR (/usr/lib/postgresql).
# Sourced by scripts/pg.sh and scripts/system-packages.sh; run directly it prints the version.
set -euo pipefail

pg_major() {
  local cluster_version_file=${1:-}
  local lib_dir=${PG_LIB_DIR:-/usr/lib/postgresql}
  if [[ -n "${PG_MAJOR:-}" ]]; then
    echo "$PG_MAJOR"; return 0
  fi
  if [[ -n "$cluster_version_file" && -f "$cluster_version_file" ]]; then
    tr -d '[:space:]' <"$cluster_version_file"; echo; return 0
  fi
  local installed=() dir
  for dir in "$lib_dir"/*/bin/postgres; do
    [[ -x "$dir" ]] || continue
    dir=${dir%/bin/postgres}
    installed+=("${dir##*/}")
  done
  local candidate=""
  if command -v apt-cache >/dev/null 2>&1; then
    # "Candidate: 16+257build1.1" -> 16; "Candidate: (none)" -> nothing.
    candidate=$(LC_ALL=C apt-cache policy postgresql 2>/dev/null \
      | sed -n 's/^ *Candidate: *\([0-9][0-9]*\)[+.~].*$/\1/p; s/^ *Candidate: *\([0-9][0-9]*\)$/\1/p' | head -n 1)
  fi
  local newest=""
  if [[ ${#installed[@]} -gt 0 ]]; then
    newest=$(printf '%s\n' "${installed[@]}" | sort -n | tail -n 1)
  fi
  if [[ -n "$candidate" ]]; then
    if [[ -z "$newest" ]] || printf '%s\n' "${installed[@]}" | grep -qx "$candidate"; then
      echo "$candidate"; return 0
    fi
  fi
  if [[ -n "$newest" ]]; then
    echo "$newest"; return 0
  fi
  echo "No PostgreSQL found: apt offers no 'postgresql' package and none is installed under $lib_dir." \
    "Set PG_MAJOR (e.g. PG_MAJOR=16)." >&2
  return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  pg_major "${1:-}"
fi
