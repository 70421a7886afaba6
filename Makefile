# Regimes — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV := DJANGO_DEBUG=1

.PHONY: run test serve lint format bench migrations-check check-python content demo backup restore

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "Regimes needs Python 3.12 or newer (Django 6); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install one with 'pyenv install 3.13' (the repo's .python-version then selects it)"; \
	  echo "or 'apt-get install python3.13', then run make again (or pass PYTHON=/path/to/python3.13)."; \
	  exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: set everything up (venv, database, content, demo accounts) and serve on :8000
run: $(VENV)/.runtime
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_content
	$(DEV) $(BIN)/python manage.py create_demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite (unit, view, browser) on PostgreSQL when reachable
test: $(VENV)/.dev node_modules/.installed
	./scripts/test.sh

# axe-core for the accessibility tests (package.json: a devDependency, nothing else).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; \
	elif [ "$${CI:-}" = "true" ]; then echo "CI=true needs npm to install axe-core (apt-get install npm)." >&2; exit 1; \
	else echo "NOTE: npm not found; the accessibility (axe) tests will be skipped."; fi

## backup: dump the database into backups/ (pg_dump custom format; a file copy on SQLite)
backup: $(VENV)/.runtime
	./scripts/backup.sh

## restore: load a backup (FILE=backups/…, default the newest) into the database; REPLACE=1 overwrites one that holds data
restore: $(VENV)/.runtime
	./scripts/restore.sh $(if $(REPLACE),--replace) $(FILE)

## serve: production settings: nginx (installed when missing) in front of gunicorn, static files collected (loopback, no TLS)
serve: $(VENV)/.runtime
	./scripts/serve.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: production configuration on loopback, measured with wrk (not part of make test)
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/db_restart_under_load.py
