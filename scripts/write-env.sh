#!/usr/bin/env bash
# Writes a development `.env` (path $1, default .env) once, so `.venv/bin/python manage.py ...`
# works without DEBUG=1 by hand: DEBUG=1, a SECRET_KEY generated for this machine, and the
# port of the project-local cluster. Never overwrites an existing file (edit it by hand).
# Read by assets_project/settings.py under whatever the environment sets; not for production.
set -euo pipefail

target=${1:-.env}
[[ -e "$target" ]] && exit 0
key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
umask 077
cat >"$target" <<ENV
# Development settings written by make (scripts/write-env.sh); the environment overrides them.
# Git- and docker-ignored. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS itself.
DEBUG=1
SECRET_KEY=$key
PGPORT=${PGPORT:-5433}
ENV
echo "Wrote $target (DEBUG=1, a new SECRET_KEY, PGPORT=${PGPORT:-5433})."
