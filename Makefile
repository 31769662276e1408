# cyplan: `make run` sets everything up and serves the site; `make test` runs the whole suite.
# Every target bootstraps what it needs (.venv, node_modules) when it is missing or stale.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.cyplan-installed
JS_STAMP := node_modules/.cyplan-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the site is served on: emails and the set-up messages link to it.
export CYPLAN_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format bench deps browser system clean-db help

help:
	@echo "make run    set up .venv, node_modules and the SQLite database, load the built-in plans, serve on http://$(HOST):$(PORT)"
	@echo "make test   run the whole test suite (DATABASE_URL=postgres://... to run it on PostgreSQL)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks, printing ratios against a baseline"

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment. On Debian: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

$(JS_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the GOV.UK Frontend assets: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

CSS := build/static/cyplan/cyplan.css

$(CSS): $(JS_STAMP) src/cyplan/assets/cyplan.scss
	npm run -s build:css

CHROMIUM ?= /usr/bin/chromium

# The browser tests use Debian's chromium (never a downloaded browser).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# Debian packages the reports need (WeasyPrint's Pango and HarfBuzz, CairoSVG's Cairo, fonts)
# the tests' PDF reader (poppler-utils), and PostgreSQL for the database-fault tests.
SYSTEM_PACKAGES := postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-dejavu-core poppler-utils

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Reports need these Debian packages: sudo apt-get install $$missing"; exit 1; fi; fi

deps: system $(PY_STAMP) $(JS_STAMP) $(CSS)

# make run serves a demonstration: every page says so, and the demo data shows (labelled).
run: export CYPLAN_DEMO = 1
run: deps
	$(BIN)/cyplan migrate --noinput
	$(BIN)/cyplan plan import --builtin
	$(BIN)/cyplan data load-key-figures
	$(BIN)/cyplan data load-shared
	$(BIN)/cyplan demo
	@echo "Serving cyplan on $(CYPLAN_SITE_URL)/ (Ctrl+C stops it)."
	@# The task worker (board packs, the email outbox) runs beside the web server and stops with it.
	$(BIN)/cyplan db_worker --no-startup-delay & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/cyplan runserver $(HOST):$(PORT)

test: deps browser
	$(BIN)/pytest

lint: deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: deps
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: deps
	$(BIN)/python -m bench

clean-db:
	rm -f var/cyplan.sqlite3 var/cyplan.sqlite3-wal var/cyplan.sqlite3-shm
