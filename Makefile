# One-command set-up (see README). Every step is idempotent and skips work already done.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export PGPORT ?= 5433
PORT ?= 8000
export DEBUG ?= 1
export DEMO_PASSWORD ?= nghean2025
DEMO_SEED ?= 1
DEMO_SCALE ?= 1
PYTEST_ARGS ?=

.PHONY: help run test test-qgis qgis-packages lint stop replica setup system-packages venv db migrate messages reference demo vendor bench logins backup restore

help:
	@echo "make run    set everything up and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   set everything up, lint and run the whole test suite"
	@echo "make lint   ruff, manage.py check, makemigrations --check"
	@echo "make test-qgis  only the tests that drive QGIS as a client of /ogc/"
	@echo "make bench  run the benchmarks under bench/ and print one table"
	@echo "make stop   stop the project-local PostgreSQL cluster"
	@echo "make backup             pg_dump + uploaded files into backups/<time>/"
	@echo "make restore FILE=DIR   restore a backup into an empty database (see README)"

system-packages:
	@bash scripts/system-packages.sh

$(BIN)/.installed: requirements.txt requirements-dev.txt | system-packages
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(BIN)/.installed

db: system-packages
	@bash scripts/pg.sh start

# Compiled catalogues are build products (git-ignored), rebuilt when a .po changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%.mo: locale/%.po | venv
	$(BIN)/python -c 'import sys; from django.core.management import call_command; import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assets_project.settings"); django.setup(); call_command("compilemessages", locale=[sys.argv[1]], verbosity=0)' $(word 1,$(subst /, ,$*))
messages: $(MO_FILES)

migrate: venv db
	@$(MANAGE) migrate --no-input -v 0

reference: migrate
	@$(MANAGE) load_reference_data --verbosity 0

demo: reference
	@$(MANAGE) generate_demo --seed $(DEMO_SEED) --scale $(DEMO_SCALE) --skip-if-present
	@$(MANAGE) generate_demo_layers --skip-if-present

# A development .env (DEBUG=1, a generated SECRET_KEY, PGPORT) so manage.py runs without them by hand.
.env:
	@bash scripts/write-env.sh $@

# Workbox (the offline service worker) from npm, pinned and checked by package-lock.json.
vendor: system-packages
	@bash scripts/vendor.sh

setup: .env messages demo vendor

logins:
	@echo
	@echo "  Nghệ An public premises and assets — http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: $(DEMO_PASSWORD)):"
	@echo "    demo-admin     administrator (also /admin/)"
	@echo "    demo-finance   Finance department reviewer (Nghệ An)"
	@echo "    demo-auditor   auditor, read-only (Nghệ An)"
	@echo "    demo-ministry  Ministry of Finance, every province"
	@echo "    demo-commune   commune declarant, Phường Thành Vinh"
	@echo

run: setup
	@$(MAKE) --no-print-directory logins
	@# A background worker (django-tasks' db_worker) runs beside the dev server and stops with it.
	@$(MANAGE) jobs --retry-stale
	@$(MANAGE) db_worker --queue-name '*' --verbosity 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver --skip-checks 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	@$(MANAGE) check --fail-level WARNING
	@$(MANAGE) makemigrations --check --dry-run

# QGIS (Debian's python3-qgis) only for the tests that drive it as a GIS client.
qgis-packages:
	@bash scripts/qgis-packages.sh

test: setup lint qgis-packages
	$(BIN)/pytest $(PYTEST_ARGS)

# Only the QGIS client tests (also part of `make test`).
test-qgis: setup qgis-packages
	$(BIN)/pytest tests/browser/test_ogc_qgis.py $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run.py

stop:
	@bash scripts/replica.sh stop
	@bash scripts/pg.sh stop

# A streaming standby of the local cluster on its own port; set the DATABASE_REPLICA_URL it prints.
replica: db
	@bash scripts/replica.sh start

backup: venv db
	@$(MANAGE) backup

# Into an empty database: e.g. `make stop; mv .data .data.old; make db; make restore FILE=backups/<time>`.
restore: venv db
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/<time>"; exit 2)
	@$(MANAGE) restore "$(FILE)"
	@$(MANAGE) migrate --no-input -v 0
