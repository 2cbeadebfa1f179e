#!/usr/bin/env bash
# `make run`: a private PostgreSQL under .run/, the responder and nginx, in the foreground
# until Ctrl-C or SIGTERM, which stops everything started here.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${PORT:-8080}
pg_port=${PG_PORT:-54329}
run="$root/.run"
bin="$root/.build/release/gatehouse"
mkdir -p "$run"
# The log names users and addresses: for root's eyes only.
(umask 077 && touch "$run/gatehouse.log") && chmod 600 "$run/gatehouse.log"

# PostgreSQL runs as `postgres`, which must reach its directory. In a checkout others cannot
# enter (a clone under /root), the cluster lives in /var/lib/gatehouse-run/ instead and
# .run/pg points there.
pg_dir="$run/pg"
if ! runuser -u postgres -- test -x "$run"; then
    outside="/var/lib/gatehouse-run/$(printf '%s' "$root" | sha256sum | cut -c1-16)"
    mkdir -p "$outside"
    [ -L "$pg_dir" ] || { [ -e "$pg_dir" ] && rm -rf "$pg_dir"; ln -s "$outside" "$pg_dir"; }
    echo "the checkout is closed to user postgres: the cluster is in $outside (.run/pg links to it)"
fi
pg_dir=$(readlink -f "$pg_dir")

responder=""
parent=$PPID
cleanup() {
    trap - EXIT INT TERM
    echo "stopping..."
    scripts/nginx.sh stop "$run/nginx" || true
    if [ -n "$responder" ]; then
        kill -TERM "$responder" 2>/dev/null || true
        wait "$responder" 2>/dev/null || true
    fi
    scripts/pg.sh stop "$pg_dir" || true
}
trap cleanup EXIT
trap 'exit 0' INT TERM

scripts/pg.sh start "$pg_dir" "$pg_port"

if [ ! -f .env ]; then
    secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 64)
    # SECRET_KEY forges CSRF tokens: the file is never readable by others, not even briefly.
    (umask 077 && cat >.env) <<ENV
# Written by make run on $(date -u +%Y-%m-%d); edit freely.
SECRET_KEY=$secret
DB_HOST=$run/pg
DB_PORT=$pg_port
DB_USER=gatehouse
DB_NAME=gatehouse
LISTEN=unix:$run/gatehouse.sock
ENV
    echo "wrote .env"
fi
# One an earlier make run wrote readable by all is closed too.
chmod 600 .env

"$bin" check-config >/dev/null
"$bin" migrate
if [ "$("$bin" user list --count)" = "0" ]; then
    password=$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=' | head -c 20)
    echo "$password" | "$bin" user add admin --scope authenticated --scope admin --scope super >/dev/null
    echo "created user admin with password: $password   (shown once)"
fi

# Links in mail (address confirmation, password reset) lead to PUBLIC_URL: this site, unless
# .env or the environment names another.
if [ -z "$("$bin" check-config | sed -n 's/^PUBLIC_URL=//p')" ]; then export PUBLIC_URL="http://127.0.0.1:$port"; fi
# As deploy/gatehouse.service: GnuTLS (from libpq's LDAP support) not set up at load.
GNUTLS_NO_IMPLICIT_INIT=1 "$bin" serve 2>>"$run/gatehouse.log" &
responder=$!
for _ in $(seq 100); do [ -S "$run/gatehouse.sock" ] && break; sleep 0.05; done
scripts/nginx.sh start "$run/nginx" "$port" "unix:$run/gatehouse.sock"
echo "Gatehouse is running (logs: .run/gatehouse.log). Ctrl-C stops it."
echo "http://127.0.0.1:$port/"
# Where mail goes: SMTP_URL when set (password masked), else .eml files in MAIL_DIR.
smtp_url=$("$bin" check-config | sed -n 's/^SMTP_URL=//p')
if [ -n "$smtp_url" ]; then
    echo "mail is sent through $smtp_url"
else
    echo "mail is written as .eml files to $("$bin" check-config | sed -n 's/^MAIL_DIR=//p') (SMTP_URL is empty)"
fi
# Stay in the foreground until the responder ends, a signal arrives, or the parent (make)
# is gone: `kill <make's pid>` does not reach this script, so watch for it.
while kill -0 "$responder" 2>/dev/null && kill -0 "$parent" 2>/dev/null; do
    sleep 1 &
    wait $! || true
done
