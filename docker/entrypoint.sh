#!/bin/sh
# Same steps as `make run` after the install: migrate, reference data, optional demo
# data — as the owner of the tables (OWNER_DATABASE_URL). Then the application's own
# role (in DATABASE_URL) gets its privileges, without UPDATE/DELETE on history, and
# the app runs as that role.
set -e
owner() { DATABASE_URL="${OWNER_DATABASE_URL:-$DATABASE_URL}" python manage.py "$@"; }
owner migrate --no-input
owner load_reference_data --province "${PROVINCE_CODE:-40}"
if [ "${LOAD_DEMO:-0}" = "1" ]; then
  owner generate_demo --seed "${DEMO_SEED:-1}" --skip-if-present
fi
if [ -n "${APP_DB_USER:-}" ]; then
  owner protect_history --role "$APP_DB_USER" --password "${APP_DB_PASSWORD:?set APP_DB_PASSWORD}"
fi
exec "$@"
