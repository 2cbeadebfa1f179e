#!/usr/bin/env bash
# Starts and stops a private PostgreSQL 15 cluster for `make run` and `make test`.
#   scripts/pg.sh start DIR PORT   create (first time) and start a cluster in DIR
#   scripts/pg.sh stop DIR         stop it (fast shutdown)
# PostgreSQL refuses to run as root, so the cluster belongs to the `postgres` user.
# It listens on 127.0.0.1:PORT and on a unix socket in DIR; the superuser is `gatehouse`,
# trusted over the socket (DIR is 0700, so only root and postgres reach it).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
command=${1:?usage: pg.sh start DIR PORT | stop DIR}
dir=$(realpath -m "${2:?cluster directory}")
# From /: the caller's directory (a checkout under /root) may be closed to postgres, and
# pg_ctl then complains that it cannot change back to it.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

case "$command" in
start)
    port=${3:?port}
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 0700 "$dir"
    if ! as_postgres test -x "$dir"; then
        echo "pg.sh: user postgres cannot reach $dir; put the checkout where other users can traverse (not under /root)" >&2
        exit 1
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_postgres "$PGBIN/initdb" -D "$dir/data" -U gatehouse --auth-local=trust --auth-host=reject \
            -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 ${PG_OPTS:-}" start >/dev/null \
        || { tail -20 "$dir/postgres.log" >&2; exit 1; }
    # The database Gatehouse uses; CREATE fails harmlessly when it already exists.
    "$PGBIN/psql" -h "$dir" -p "$port" -U gatehouse -d postgres -qAtc "CREATE DATABASE gatehouse" >/dev/null 2>&1 || true
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null || true
    fi
    ;;
*)
    echo "usage: pg.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
