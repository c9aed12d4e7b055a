#!/bin/sh
# Same steps as `make run` after the install: migrate, reference data, optional demo data.
set -e
python manage.py migrate --no-input
python manage.py load_reference_data --province "${PROVINCE_CODE:-40}"
if [ "${LOAD_DEMO:-0}" = "1" ]; then
  python manage.py generate_demo --seed "${DEMO_SEED:-1}" --skip-if-present
fi
exec "$@"
