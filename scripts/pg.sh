#!/usr/bin/env bash
# Project-local PostGIS cluster under .data/pg, on its own port (PGPORT, default 5433).
# Usage: scripts/pg.sh start|stop|status
# Does nothing when DATABASE_URL points elsewhere. As root the server runs as `postgres`.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGPORT=${PGPORT:-5433}
DATA_DIR="$ROOT/.data/pg"
# shellcheck source=scripts/pg-major.sh
source "$ROOT/scripts/pg-major.sh"
# An existing cluster runs under its own major; a new one under the distribution's (scripts/pg-major.sh).
PGBIN=${PGBIN:-${PG_LIB_DIR:-/usr/lib/postgresql}/$(pg_major "$DATA_DIR/PG_VERSION")/bin}
if [[ ! -x "$PGBIN/pg_ctl" ]]; then
  echo "No PostgreSQL server in $PGBIN: run 'make system-packages', or set PG_MAJOR (an existing" \
    ".data/pg cluster runs only under the major that made it, see .data/pg/PG_VERSION)." >&2
  exit 1
fi
LOG_DIR="$ROOT/.data/log"
DB_NAME=${DB_NAME:-assets}

if [[ -n "${DATABASE_URL:-}" ]]; then
  echo "DATABASE_URL is set: using that database, no local cluster."
  exit 0
fi

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_traversable() {
  # As root, the postgres user must be able to reach .data through every parent folder.
  local dir="$ROOT"
  while [[ "$dir" != "/" ]]; do
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      echo "Granting search (x) permission on $dir so the postgres user can reach .data/"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

init_cluster() {
  [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
  echo "Creating the local PostGIS cluster in .data/pg (port $PGPORT)"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  if [[ $(id -u) -eq 0 ]]; then
    ensure_traversable
    chown postgres:postgres "$ROOT/.data" "$DATA_DIR" "$LOG_DIR"
  fi
  chmod 700 "$DATA_DIR"
  as_owner "$PGBIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$LOG_DIR/initdb.log"
}

is_running() {
  as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null
}

start() {
  init_cluster
  if ! is_running; then
    if port_taken; then
      echo "Port $PGPORT is already in use by another server: set PGPORT to a free port (or DATABASE_URL)." >&2
      exit 1
    fi
    # TCP on loopback only; no Unix socket, whose path length limit a deep clone could exceed.
    as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_DIR/postgres.log" -w -t 60 \
      -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c work_mem=32MB" \
      start >/dev/null
  fi
  local psql=("$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -t -A)
  if [[ -z $("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'") ]]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB_NAME"
  fi
  PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

stop() {
  if [[ -f "$DATA_DIR/PG_VERSION" ]] && is_running; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
    echo "Local PostGIS cluster stopped."
  else
    echo "Local PostGIS cluster is not running."
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) is_running && echo "running on port $PGPORT" || echo "stopped" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
