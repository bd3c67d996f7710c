# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint format check messages compilemessages serve bench screenshots clean help

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

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

compilemessages: $(STAMP)
	@$(VENV)/bin/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v "^compiling catalog" || true

# Extract new strings (needs GNU gettext's xgettext; only for developers adding text).
messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages --locale nl --locale en --no-obsolete --ignore ".venv/*" --ignore "staticfiles/*"

run: $(STAMP) compilemessages
	DEBUG=true $(PY) manage.py migrate --verbosity 0
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ - stop with Ctrl+C"
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) compilemessages
	DEBUG=true $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

serve: $(STAMP) compilemessages
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py createcachetable
	$(VENV)/bin/gunicorn --config gunicorn.conf.py buurtbemiddeling.wsgi

# Pictures of the main pages for the README, taken in Chromium (needs: apt-get install chromium).
screenshots: $(STAMP) compilemessages
	DEBUG=true SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/browser/test_screenshots.py

# Benchmark on PostgreSQL with gunicorn and wrk (not part of `make test`). SCALE=small|full.
bench: $(STAMP) compilemessages
	SCALE=$(or $(SCALE),small) bench/run.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
