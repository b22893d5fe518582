# Garap's commands. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The real services on a developer's or CI's machine, for `make test-services`.
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/15
# The suite runs in parallel (pytest-xdist), one process per core; PYTEST_WORKERS=0 runs it in one.
PYTEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run test suite test-services test-browser bench bench-smoke lighthouse wrk lint typecheck format fuzz \
	faults faults-smoke messages clean

help:
	@echo "make run            set up and run the whole marketplace (web, worker, scheduler, demo data)"
	@echo "make test           set up and run lint, type check, migration check and the whole test suite"
	@echo "make test-services  the test suite against PostgreSQL and Redis on 127.0.0.1 (no lint)"
	@echo "make test-browser   only the real-browser tests (Playwright + Chromium: apt-get install -y chromium)"
	@echo "make bench          issue #9's performance goals on 1k/100k/1M-gig PostgreSQL data sets (docs/benchmark.md)"
	@echo "make bench-smoke    the same machinery on tiny data sets, in about two minutes (CI runs it)"
	@echo "make lint           ruff lint and format check, the import rules (lint-imports)"
	@echo "make typecheck      mypy with the Django and DRF stubs (strict for payments)"
	@echo "make format         ruff format and autofix"
	@echo "make fuzz           schemathesis as two users on PostgreSQL + Redis, a server of its own (scripts/fuzz.sh)"
	@echo "make faults         every production fault under load on its own Redis + PostgreSQL, checked (docs/faults.md; root)"
	@echo "make faults-smoke   a few of those faults on a small load, in about two minutes (CI runs it)"
	@echo "make lighthouse     Lighthouse's mobile scores of five pages on the production server (docs/lighthouse.md)"
	@echo "make messages       update and compile the translation catalogs (needs GNU gettext)"
	@echo "make clean          remove the virtual environment and local data"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) scripts/run.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Settings and files in pyproject.toml ([tool.mypy]); the cache in .mypy_cache makes a re-run
# take a few seconds.
typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint typecheck suite

# The migration check and pytest, without lint and the type check (which do not depend on the
# database: `make test-services` runs this part only). Work stealing lets a worker that runs out
# take tests queued for the other, so the long tests (started first) do not hold up the end.
suite: $(VENV)/.installed-dev node_modules/.installed
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest --numprocesses=$(PYTEST_WORKERS) --dist=worksteal

# The npm packages the browser tests inject into pages (package.json: axe-core), at the versions
# package-lock.json pins. Without npm the accessibility checks are skipped with a reason (CI=true
# fails them instead, as it does without Chromium).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks (axe-core) will be skipped"; fi

test-services:
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) \
		GARAP_REQUIRE_SERVICES=1 $(MAKE) suite

# `make test` runs these too (skipped without Chromium, an error under CI=true); here a missing
# Chromium is an error. Screenshots land in var/test-artifacts/screenshots/.
test-browser: $(VENV)/.installed-dev node_modules/.installed
	GARAP_REQUIRE_BROWSER=1 $(VENV)/bin/pytest -m browser tests/browser

# The benchmark's load generator, Debian's wrk (installed with apt-get when it is missing).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		as_root=""; [ "$$(id -u)" = 0 ] || as_root=sudo; \
		$$as_root apt-get update -qq && \
		$$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres): the
# data sets are databases garap_bench_<gigs> beside it. BENCH_ARGS passes options (--rebuild…).
bench: $(VENV)/.installed-dev wrk
	$(PY) -m bench $(BENCH_ARGS)

bench-smoke: $(VENV)/.installed-dev wrk
	$(PY) -m bench --smoke $(BENCH_ARGS)

# Its own database, Redis database and gunicorn (FUZZ_DATABASE_URL, FUZZ_REDIS_URL, FUZZ_PORT…:
# scripts/fuzz.sh); FUZZ_ARGS passes options to `st run`.
fuzz: $(VENV)/.installed-dev
	bash scripts/fuzz.sh $(FUZZ_ARGS)

# Its own Redis, PostgreSQL cluster (initdb as the postgres user), 5 MB tmpfs and gunicorn on
# spare ports, never the shared 5432 and 6379 (faults/__main__.py). FAULTS_ARGS passes options
# (--only redis,postgres; --users; --seconds); FAULTS_REDIS_PORT, FAULTS_POSTGRES_PORT and
# FAULTS_WEB_PORT pin the ports.
faults: $(VENV)/.installed-dev
	$(PY) -m faults $(FAULTS_ARGS)

faults-smoke: $(VENV)/.installed-dev
	$(PY) -m faults --smoke $(FAULTS_ARGS)

# Lighthouse's mobile scores of five pages on the production server, written to
# docs/lighthouse.md (scripts/lighthouse.py): its own database on the shared PostgreSQL and
# Redis database 12; Lighthouse (tools/lighthouse, ~180 MB) is installed on first use.
lighthouse: $(VENV)/.installed-dev tools/lighthouse/node_modules/.installed
	$(PY) scripts/lighthouse.py

tools/lighthouse/node_modules/.installed: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages --locale id --locale en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tools/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tools/*'

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules
