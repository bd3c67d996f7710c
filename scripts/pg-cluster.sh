#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, run by a non-root user (initdb and postgres
# refuse root). Used by .ci/run and bench/run.sh.
#   scripts/pg-cluster.sh start DIR PORT   -> prints the DATABASE_URL to use
#   scripts/pg-cluster.sh stop DIR         -> stops it and removes DIR
#   scripts/pg-cluster.sh halt DIR         -> stops it and keeps DIR (start reuses it)
set -euo pipefail
action=$1
dir=$2
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    exit 1
fi
pg_user=$(id -un)
run_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    pg_user=postgres
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    run_pg() { runuser -u postgres -- "$@"; }
fi
case "$action" in
start)
    port=$3
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    fresh=true
    [ -f "$dir/data/PG_VERSION" ] && fresh=false
    $fresh && run_pg "$pg_bin/initdb" -D "$dir/data" -U "$pg_user" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_EXTRA_OPTIONS:-}" \
        start >/dev/null
    $fresh && run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U "$pg_user" buurtbemiddeling
    echo "postgres://$pg_user@127.0.0.1:$port/buurtbemiddeling"
    ;;
stop)
    run_pg "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
halt)
    run_pg "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR | halt DIR" >&2
    exit 2
    ;;
esac
