#!/usr/bin/env bash
# `make run`: the development server and the background worker (e-mail) in one command.
# Ctrl+C stops both; so does either one ending.
set -u
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
export DEBUG=true

"$PY" manage.py worker --worker-id "dev-worker" &
worker=$!
stop() {
    trap - INT TERM EXIT
    kill -TERM "$worker" 2>/dev/null
    wait "$worker" 2>/dev/null
}
trap stop INT TERM EXIT

"$PY" manage.py runserver "127.0.0.1:$PORT"
