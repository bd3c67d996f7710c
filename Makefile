# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PORT ?= 8000
# make test runs the suite in this many processes (pytest-xdist), each with its own test
# database; each takes tests in pytest-django's order, so the tests that commit run after
# the others. TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto

.PHONY: run test lint format check messages compilemessages node-tools serve bench screenshots clean help

help:
	@echo "make run    - set up and start the app on http://127.0.0.1:$(PORT) (SQLite, demo data)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make serve  - production-style server (gunicorn); needs SECRET_KEY and ALLOWED_HOSTS"
	@echo "make bench  - benchmark on PostgreSQL (SCALE=small or SCALE=full, 1,000,000 cases)"

$(PY):
	@python=$$(scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$python ($$($$python --version))"; \
	$$python -m venv $(VENV)

# Production needs requirements.txt only; run, test and the demo data also requirements-dev.txt.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

# The Nu HTML Checker (npm package vnu-jar, pinned in package-lock.json) that the browser tests
# validate every page with. --ignore-scripts: its install script would download a Java runtime
# from GitHub when there is no system Java; the tests run the machine's own `java`.
# Without npm, the browser tests run without HTML validation (REQUIRE_BROWSER=1 makes that fail).
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

node-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory --question $(NODE_STAMP) || $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: browser tests will not validate HTML (apt-get install npm default-jre-headless)"; fi

compilemessages: $(STAMP)
	@$(VENV)/bin/pybabel compile --domain django --directory locale 2>&1 | grep -v "^compiling catalog" || true

# Extract new strings (needs GNU gettext's xgettext; only for developers adding text).
messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages --locale nl --locale en --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*" --ignore "node_modules/*"

run: $(STAMP) compilemessages
	DEBUG=true $(PY) manage.py migrate --verbosity 0
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background worker for e-mail - stop with Ctrl+C"
	@PY=$(PY) PORT=$(PORT) scripts/run-dev.sh

test: $(STAMP) compilemessages node-tools
	DEBUG=true $(PY) -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# Production-style: gunicorn in front; run `manage.py worker` beside it (docs/deployment.md).
serve: $(STAMP) compilemessages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py createcachetable
	$(VENV)/bin/gunicorn --config gunicorn.conf.py buurtbemiddeling.wsgi

# Pictures of the main pages for the README, taken in Chromium (needs: apt-get install chromium).
screenshots: $(STAMP) compilemessages node-tools
	DEBUG=true SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/browser/test_screenshots.py

# Benchmark on PostgreSQL with gunicorn and wrk (not part of `make test`). SCALE=small|full.
bench: $(STAMP) compilemessages
	SCALE=$(or $(SCALE),small) bench/run.sh

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
