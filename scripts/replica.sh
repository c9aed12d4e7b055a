#!/usr/bin/env bash
# A streaming standby of the project-local cluster (docs/scaling.md, "Reads on a replica"):
# pg_basebackup of .data/pg into .data/replica, on its own port (REPLICA_PORT, default
# PGPORT+100). Usage: scripts/replica.sh start|stop|status. As root it runs as `postgres`.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGPORT=${PGPORT:-5433}
REPLICA_PORT=${REPLICA_PORT:-$((PGPORT + 100))}
PRIMARY_DIR="$ROOT/.data/pg"
DATA_DIR=${REPLICA_DIR:-$ROOT/.data/replica}
LOG_DIR="$ROOT/.data/log"
# shellcheck source=scripts/pg-major.sh
source "$ROOT/scripts/pg-major.sh"
PGBIN=${PGBIN:-${PG_LIB_DIR:-/usr/lib/postgresql}/$(pg_major "$PRIMARY_DIR/PG_VERSION")/bin}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
    echo "Copying the primary on port $PGPORT into $DATA_DIR (pg_basebackup)"
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$DATA_DIR" "$LOG_DIR"
    chmod 700 "$DATA_DIR"
    # -R writes standby.signal and primary_conninfo: the copy starts as a streaming standby.
    as_owner "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PGPORT" -U postgres -D "$DATA_DIR" -R -X stream -c fast
  fi
  if ! as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_DIR/replica.log" -w -t 60 \
      -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on -c hot_standby_feedback=on -c max_connections=200" \
      start >/dev/null
  fi
  echo "Standby on port $REPLICA_PORT: DATABASE_REPLICA_URL=postgis://postgres@127.0.0.1:$REPLICA_PORT/${DB_NAME:-assets}"
}

stop() {
  if [[ -f "$DATA_DIR/PG_VERSION" ]] && as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
    echo "Standby stopped."
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) as_owner "$PGBIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1 && echo "running on port $REPLICA_PORT" || echo "stopped" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
