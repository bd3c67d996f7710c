#!/usr/bin/env bash
# make bench [SCALE=small|full]: seed PostgreSQL in bulk, serve with gunicorn as in
# production, measure with wrk. Needs PostgreSQL server binaries and wrk (installed with
# apt when missing and running as root).
# BENCH_PG_DIR=/some/dir keeps the seeded cluster there and reuses it on the next run
# (seeding 1,000,000 cases takes a while); without it the cluster is thrown away.
# BENCH_SEED_ONLY=1 stops after seeding.
set -euo pipefail
cd "$(dirname "$0")/.."
export SCALE=${SCALE:-small}
exec </dev/null

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "make bench needs: ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if [ -n "${BENCH_PG_DIR:-}" ]; then
    pg_dir=$BENCH_PG_DIR
    pg_done=halt
else
    pg_dir=$(mktemp -d /tmp/bb-bench-pg.XXXXXX)
    pg_done=stop
fi
static_dir=$(mktemp -d /tmp/bb-bench-static.XXXXXX)
gunicorn_pid=""
cleanup() {
    rm -rf "$static_dir"
    [ -n "$gunicorn_pid" ] && kill "$gunicorn_pid" 2>/dev/null || true
    scripts/pg-cluster.sh "$pg_done" "$pg_dir"
}
trap cleanup EXIT

# A production-like database: memory for the working set, enough connections.
# random_page_cost=1.1: storage is SSD, as on any server today (docs/deployment.md).
export PG_EXTRA_OPTIONS="-c shared_buffers=1GB -c effective_cache_size=8GB -c work_mem=16MB -c max_connections=100 -c random_page_cost=1.1"
DATABASE_URL=$(scripts/pg-cluster.sh start "$pg_dir" "${BENCH_PG_PORT:-54340}")
export DATABASE_URL

# Production settings (DEBUG off), but plain HTTP on loopback.
unset DEBUG
export SECRET_KEY="bench-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export BENCH_VIEWS=true SELFREPORT_POSTS_PER_HOUR=1000000000 LOG_LEVEL=WARNING
export STATIC_ROOT="$static_dir"
export GUNICORN_BIND=127.0.0.1:8600

.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
.venv/bin/python bench/seed.py
if [ "${BENCH_SEED_ONLY:-}" = 1 ]; then
    echo "seeded (BENCH_SEED_ONLY=1): not measuring"
    exit 0
fi

.venv/bin/gunicorn --config gunicorn.conf.py --access-logfile /dev/null buurtbemiddeling.wsgi &
gunicorn_pid=$!
healthy() {
    .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8600/healthz', timeout=2)" \
        >/dev/null 2>&1
}
for _ in $(seq 1 60); do
    healthy && break
    sleep 1
done
healthy

.venv/bin/python bench/measure.py
# Which index serves each query of each page (EXPLAIN ANALYZE), on the same data.
.venv/bin/python bench/explain.py
