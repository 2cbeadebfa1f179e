#!/usr/bin/env bash
# `make bench`: Gatehouse beside the floor responder (../shared/bench/floor), each behind its
# own nginx, measured with wrk in the same run, so every figure is also a ratio to the floor.
# Prints a table and writes bench/results/latest.md, latest.svg and latest.tsv: this script
# starts things and runs wrk; bench/report.py turns the runs into figures, targets and report.
# For the signed-in scenarios (home, check) it also reads the session cache's hits and misses
# from /metrics around their runs, and PostgreSQL's statements per request in a Gatehouse-only
# run after them (database_probe, pg_stat_statements: idle 5 s, then one more run each).
#
# Environment:
#   PORT=8080               Gatehouse's nginx: the `make run` stack, reused when it answers
#   FLOOR_PORT=PORT+1       the floor's nginx
#   BENCH_DURATION=10       seconds per wrk run ("10" or "10s")
#   BENCH_REPEATS=2         runs per scenario, target and connection count
#   BENCH_PICK=mean         what the table shows of those runs: `mean` (req/s, p50 and p99
#                           averaged) or `best` (the run with the most req/s, its own p50
#                           and p99: others' builds only ever slow a run down)
#   BENCH_CONNECTIONS="8 32 128"
#   BENCH_QUICK=1           smoke run: 3 s per run, one run each, results go to
#                           .build/bench/results/ (latest.* stays the last full run)
#   BENCH_SCENARIOS="home check login-page redirect login storm flood factor"   a subset
#                           (`flood`: /auth/check idle, then during 300 concurrent correct
#                           sign-ins; `factor`: one sign-in at a time, password alone and
#                           password + TOTP code, bench/factor_signin.py)
#   BENCH_MAX_BUSY=15       before measuring, wait up to BENCH_QUIET_WAIT=120 s until other
#                           processes use less than this % of the cores (others build and fuzz),
#                           and run a page-view or sign-in run they disturbed more than that
#                           again, up to BENCH_RETRIES=2 times (0 with BENCH_QUICK), keeping the
#                           least disturbed attempt
#   BENCH_COUNT_STATUS=0    skip wrk's per-response status count (bench/wrk.lua): it costs
#                           wrk ~2 µs of CPU per response, the same on both sides, and is what
#                           catches a wrong status that wrk would count as success (a 303
#                           instead of the page when a session has expired)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# ---------------------------------------------------------------- settings

port=${PORT:-8080}
floor_port=${FLOOR_PORT:-$((port + 1))}
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
    duration=${BENCH_DURATION:-3}
    repeats=${BENCH_REPEATS:-1}
    pbkdf2_seconds=1
    startup_runs=3
    retries=${BENCH_RETRIES:-0}
    results=${BENCH_RESULTS:-$root/.build/bench/results}
else
    duration=${BENCH_DURATION:-10}
    repeats=${BENCH_REPEATS:-2}
    pbkdf2_seconds=3
    startup_runs=5
    retries=${BENCH_RETRIES:-2}
    results=${BENCH_RESULTS:-$root/bench/results}
fi
duration=${duration%s}
read -r -a connections <<<"${BENCH_CONNECTIONS:-8 32 128}"
read -r -a scenarios <<<"${BENCH_SCENARIOS:-home check login-page redirect login storm flood factor}"
login_connections=4    # PBKDF2 makes a sign-in cost ~0.1 s of CPU: a few clients saturate
storm_connections=32   # page views measured while the sign-in storm runs, and /auth/check during the flood
flood_connections=300  # correct sign-ins at once in the flood, far more than the hashing pools admit
floor_threads=4        # the issue's floor figures are for 4 threads
pick=${BENCH_PICK:-mean}
case "$pick" in mean | best) ;; *) echo "bench: BENCH_PICK is mean or best" >&2; exit 2 ;; esac
max_busy=${BENCH_MAX_BUSY:-15}
quiet_wait=${BENCH_QUIET_WAIT:-120}

bin="$root/.build/release/gatehouse"
floor_src=${FLOOR_SRC:-$root/../shared/bench/floor}
floor_dir="$root/.build/floor"
work="$root/.build/bench"            # generated nginx confs, sockets, logs of this run
runs_tsv="$work/runs.tsv"            # one row per wrk run
agg_tsv="$work/aggregate.tsv"        # one row per scenario, target and connection count
gh_url="http://127.0.0.1:$port"
floor_url="http://127.0.0.1:$floor_port"
cgi_fcgi=$(command -v cgi-fcgi || true)

# ---------------------------------------------------------------- processes and clean-up

# Every background process started here (pid -> what), stopped at exit and on Ctrl-C.
declare -A live=()
# nginx daemonizes away from us, so its instances are tracked by their pid files.
nginx_pidfiles=()
# scripts/run.sh, when this script started the stack (it then stops it too).
stack_pid=""

log() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# True while PID runs; a child that exited but is not yet reaped (a zombie) counts as gone,
# which `kill -0` alone would not tell.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# stop_pid PID [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL; reaps it.
stop_pid() {
    local pid=$1 grace=${2:-5} i
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do alive "$pid" || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "live[$pid]"
}

stop_nginx() {
    local pidfile=$1 pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid pidfile
    for pid in "${!live[@]}"; do stop_pid "$pid"; done
    for pidfile in "${nginx_pidfiles[@]}"; do stop_nginx "$pidfile"; done
    rm -f "$work/floor.sock" "$work/startup.sock"
    if [ "${statements_ready:-0}" = 1 ]; then
        psql_admin "ALTER SYSTEM RESET pg_stat_statements.track" >/dev/null || true
        psql_admin "SELECT pg_reload_conf()" >/dev/null || true
    fi
    if [ -n "$stack_pid" ]; then
        log "stopping the make run stack started for the benchmark"
        # run.sh stops nginx, the responder and PostgreSQL (fast shutdown) on SIGTERM.
        stop_pid "$stack_pid" 60
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo >&2; log "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- small helpers

# The effective value of a Gatehouse setting, as Gatehouse resolves it: the process
# environment wins over the dotenv file, where the last assignment wins.
setting() {
    local key=$1 default=${2-} file=${GATEHOUSE_ENV_FILE:-$root/.env} line value
    if [ -n "${!key+set}" ]; then
        printf '%s' "${!key}"
        return
    fi
    line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$key=" "$file" 2>/dev/null | tail -n1) || true
    if [ -z "$line" ]; then
        printf '%s' "$default"
        return
    fi
    value=${line#*=}
    value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
    printf '%s' "$value"
}

# The settings as Gatehouse itself resolves them (environment over dotenv over defaults),
# read from `gatehouse check-config` once the stack runs; secrets are hidden there, so the
# database password still comes from setting().
load_effective() {
    effective_config=$("$bin" check-config 2>>"$work/cli.log") || die "gatehouse check-config failed (see .build/bench/cli.log)"
}
effective() { sed -n "s/^$1=//p" <<<"$effective_config" | sed 's/^"\(.*\)"$/\1/'; }
effective_config=""

now_ms() { local t=${EPOCHREALTIME/./}; printf '%s' $((t / 1000)); }

load1() { local a _; read -r a _ </proc/loadavg; printf '%s' "$a"; }

# ---- how much of the cores others took during a run (the load average cannot tell: the
# benchmark's own wrk, nginx, responders and PostgreSQL make a load of ~5 on two cores)

clock_ticks=$(getconf CLK_TCK)

# Ticks all CPUs spent running anything, stolen by the hypervisor included (idle, I/O wait
# and interrupt time excluded, which the per-process figures do not see either).
busy_ticks() {
    local _ user nice system steal
    # cpu user nice system idle iowait irq softirq steal ...
    read -r _ user nice system _ _ _ _ steal _ </proc/stat
    printf '%s' $((user + nice + system + steal))
}

# User + system ticks of PIDS (0 for one that is gone).
pid_ticks() {
    local total=0 pid stat f
    for pid in "$@"; do
        { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || continue
        read -r -a f <<<"${stat##*) }"
        total=$((total + f[11] + f[12]))
    done
    printf '%s' "$total"
}

# Ticks of this shell's reaped children: every wrk and RSS sampler once waited for.
children_ticks() {
    local stat f
    stat=$(<"/proc/$$/stat")
    read -r -a f <<<"${stat##*) }"
    printf '%s' $((f[13] + f[14]))
}

# The benchmark's long-lived processes: responders, both nginx (master and workers) and
# the PostgreSQL cluster of `make run` (postmaster and backends), plus running wrk.
our_pids() {
    local pidfile parent pid pids="$gh_pids $floor_pid"
    for pidfile in "$root/.run/nginx/nginx.pid" "$work/floor-nginx/nginx.pid" "$root/.run/pg/data/postmaster.pid"; do
        [ -r "$pidfile" ] || continue
        parent=$(head -n1 "$pidfile")
        pids+=" $parent $(pgrep -P "$parent" | tr '\n' ' ' || true)"
    done
    for pid in "${!live[@]}"; do [ "${live[$pid]}" != wrk ] || pids+=" $pid"; done
    printf '%s' "$pids"
}

# cpu_snapshot PIDS...: "WALL_MS BUSY_TICKS OUR_TICKS"
cpu_snapshot() {
    printf '%s %s %s' "$(now_ms)" "$(busy_ticks)" $(($(pid_ticks "$@") + $(children_ticks)))
}

# others_percent "SNAPSHOT_BEFORE" "SNAPSHOT_AFTER": the share of all cores used by
# processes that are not the benchmark's, in percent.
others_percent() {
    local w0 b0 o0 w1 b1 o1
    read -r w0 b0 o0 <<<"$1"
    read -r w1 b1 o1 <<<"$2"
    awk -v w="$((w1 - w0))" -v b="$((b1 - b0))" -v o="$((o1 - o0))" -v hz="$clock_ticks" -v n="$(nproc)" \
        'BEGIN { p = (b - o) * 100 / (w / 1000 * hz * n); if (p < 0) p = 0; printf "%.0f", p }'
}

# Percent-encodes a form value (application/x-www-form-urlencoded).
urlencode() {
    local text=$1 out="" c i
    for ((i = 0; i < ${#text}; i++)); do
        c=${text:i:1}
        case "$c" in
        [A-Za-z0-9.~_-]) out+=$c ;;
        *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# One FastCGI GET straight to a responder (no nginx), printing its raw CGI answer.
fcgi_get() {
    env -i REQUEST_METHOD=GET REQUEST_URI="$2" DOCUMENT_URI="$2" SCRIPT_NAME="$2" QUERY_STRING= \
        SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 SERVER_NAME=localhost HTTP_HOST=localhost \
        "$cgi_fcgi" -bind -connect "$1" </dev/null 2>/dev/null || true
}

# /healthz answers "ok" once the responder accepts and PostgreSQL answers it.
fcgi_healthy() { fcgi_get "$1" /healthz | grep -q '^ok'; }

# ---------------------------------------------------------------- tools

ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
    [ -n "$cgi_fcgi" ] || missing+=(libfcgi-bin)
    if [ ${#missing[@]} -gt 0 ]; then
        "$root/scripts/install-deps.sh" "${missing[@]}"
        cgi_fcgi=$(command -v cgi-fcgi || true)
    fi
    for tool in wrk gnuplot curl nginx openssl ss make cc; do
        command -v "$tool" >/dev/null || die "$tool is missing"
    done
    [ -n "$cgi_fcgi" ] || die "cgi-fcgi is missing (libfcgi-bin)"
}

# The share of all cores busy during the next 5 s, in percent. The stack is idle then, so
# this is what other processes take.
busy_percent() {
    local b0 w0
    b0=$(busy_ticks)
    w0=$(now_ms)
    sleep 5
    awk -v b="$(($(busy_ticks) - b0))" -v w="$(($(now_ms) - w0))" -v hz="$clock_ticks" -v n="$(nproc)" \
        'BEGIN { printf "%.0f", b * 100 / (w / 1000 * hz * n) }'
}

# Before measuring: other engineers build and fuzz on the same two cores. Wait a while for
# a quieter machine, then go on anyway; each row of the results says what others took.
wait_for_quiet() {
    local waited=0 busy
    while busy=$(busy_percent); [ "$busy" -gt "$max_busy" ]; do
        if [ "$waited" -ge "$quiet_wait" ]; then
            log "other processes still use $busy % of the cores after ${quiet_wait}s; measuring anyway"
            return
        fi
        [ "$waited" -eq 0 ] && log "other processes use $busy % of the cores: waiting up to ${quiet_wait}s for < $max_busy %"
        waited=$((waited + 5))
    done
    log "other processes use $busy % of the cores"
}

# ---------------------------------------------------------------- the make run stack

gh_listen() {
    local listen
    if [ -n "$effective_config" ]; then
        listen=$(effective LISTEN)
    else
        listen=$(setting LISTEN "unix:.run/gatehouse.sock")   # before the first run writes .env
    fi
    listen=${listen#unix:}
    case "$listen" in /* | *:[0-9]*) ;; *) listen="$root/$listen" ;; esac
    printf '%s' "$listen"
}

stack_up() {
    [ "$(http_status "$gh_url/healthz")" = 200 ] && fcgi_healthy "$(gh_listen)"
}

# Reuses a running `make run` stack, or starts scripts/run.sh in the background (it stays
# up until SIGTERM) and stops it at exit.
ensure_stack() {
    if stack_up; then
        log "reusing the running stack on $gh_url"
        return
    fi
    if port_busy "$port" || fcgi_healthy "$(gh_listen)"; then
        die "port $port or $(gh_listen) is in use but the stack does not answer /healthz; stop it or set PORT"
    fi
    if [ ! -x "$bin" ]; then
        log "building the release binary"
        swift build -c release -Xswiftc -warnings-as-errors
    fi
    log "starting the make run stack (scripts/run.sh, log in .build/bench/run.log)"
    # pg_stat_statements counts the statements per request (database_probe).
    PORT=$port PG_OPTS="${PG_OPTS:-} -c shared_preload_libraries=pg_stat_statements" "$root/scripts/run.sh" \
        >"$work/run.log" 2>&1 &
    stack_pid=$!
    local deadline=$(($(now_ms) + 120000))
    until stack_up; do
        if ! alive "$stack_pid"; then
            cat "$work/run.log" >&2
            stack_pid=""
            die "scripts/run.sh stopped before the stack answered"
        fi
        [ "$(now_ms)" -lt "$deadline" ] || die "the stack did not answer /healthz within 120 s (see .build/bench/run.log)"
        sleep 0.2
    done
    # run.sh prints the admin password once, on the very first start: pass it on.
    sed 's/^/  run.sh: /' "$work/run.log"
}

# The pids of the processes listening on Gatehouse's socket (every responder process).
gatehouse_pids() {
    local listen
    listen=$(gh_listen)
    case "$listen" in
    /*) ss -Hxlp 2>/dev/null | grep -F " $listen " ;;
    *) ss -Hltnp "sport = :${listen##*:}" 2>/dev/null ;;
    esac | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un | tr '\n' ' ' || true
}

# ---------------------------------------------------------------- the floor

# libpq conninfo for the database Gatehouse uses, from the same settings.
database_conninfo() {
    local url
    url=$(setting DATABASE_URL)
    if [ -n "$url" ]; then
        printf '%s' "$url"
        return
    fi
    local info
    info="host=$(setting DB_HOST "$root/.run/pg") port=$(setting DB_PORT "${PG_PORT:-54329}")"
    info+=" user=$(setting DB_USER gatehouse) dbname=$(setting DB_NAME gatehouse)"
    local password
    password=$(setting DB_PASSWORD)
    [ -z "$password" ] || info+=" password='${password//\'/\\\'}'"
    printf '%s' "$info"
}

# Builds the floor from a copy, so nothing is ever written into ../shared/.
build_floor() {
    [ -f "$floor_src/floor.c" ] || die "the floor responder is not at $floor_src"
    mkdir -p "$floor_dir"
    # -p keeps the sources' times, so make rebuilds only when they changed.
    cp -p "$floor_src"/Makefile "$floor_src"/*.c "$floor_src"/*.tmpl "$floor_dir"/
    make -s -C "$floor_dir" floor
}

# write_nginx_conf DIR PORT SOCKET: a minimal nginx modelled on scripts/nginx.sh's main
# conf (same worker count, no access log) passing every request on, a connection per
# request: the floor, like libfcgi's own accept loop, reads a kept connection's next request
# on the thread that answered it, so kept connections would hold all its threads.
write_nginx_conf() {
    local dir=$1 listen_port=$2 socket=$3 workers
    # The same worker count as the running Gatehouse nginx, so both sides get the same nginx.
    workers=$(sed -n 's/^worker_processes \([0-9a-z]*\);/\1/p' "$root/.run/nginx/nginx.conf" 2>/dev/null | head -n1)
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<CONF
# Written by scripts/bench.sh: the floor responder behind its own nginx.
user root;
worker_processes ${workers:-${NGINX_WORKERS:-1}};
pid $dir/nginx.pid;
error_log $dir/error.log warn;
daemon on;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    fastcgi_temp_path $dir/tmp/fastcgi;
    proxy_temp_path $dir/tmp/proxy;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$listen_port;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_keep_conn off;   # the floor's threads would each wait on a kept connection
            fastcgi_pass unix:$socket;
        }
    }
}
CONF
}

start_floor() {
    local socket="$work/floor.sock" nginx_dir="$work/floor-nginx" i
    port_busy "$floor_port" && die "port $floor_port (FLOOR_PORT) is in use"
    rm -f "$socket"
    (cd "$floor_dir" && exec ./floor db "$socket" "$floor_threads" home.tmpl "$(database_conninfo)") \
        2>>"$work/floor.log" &
    floor_pid=$!
    live[$floor_pid]=floor
    for ((i = 0; i < 100; i++)); do [ -S "$socket" ] && break; sleep 0.05; done
    alive "$floor_pid" || die "the floor did not start: $(tail -n3 "$work/floor.log")"
    write_nginx_conf "$nginx_dir" "$floor_port" "$socket"
    nginx -t -q -c "$nginx_dir/nginx.conf" -p "$nginx_dir"
    # The daemon must not keep our stdout open (a caller piping us would wait for EOF).
    nginx -c "$nginx_dir/nginx.conf" -p "$nginx_dir" </dev/null >"$nginx_dir/startup.log" 2>&1 \
        || die "nginx for the floor did not start: $(cat "$nginx_dir/startup.log")"
    nginx_pidfiles+=("$nginx_dir/nginx.pid")
    [ "$(http_status "$floor_url/")" = 303 ] || die "the floor does not answer through nginx on $floor_url"
}

# ---------------------------------------------------------------- the bench user

bench_user=benchuser
bench_password=bench-$(printf '%s' "$root" | sha256sum | cut -c1-16)   # fixed per checkout

ensure_bench_user() {
    local err="$work/user.err"
    if ! printf '%s\n' "$bench_password" | "$bin" user add "$bench_user" --first-name Bench --scope admin \
        >/dev/null 2>"$err"; then
        grep -q 'already exists' "$err" || die "user add failed: $(cat "$err")"
        # Made by an earlier run, maybe with another PBKDF2_ITERATIONS: set it afresh.
        printf '%s\n' "$bench_password" | "$bin" user passwd "$bench_user" >/dev/null 2>>"$work/cli.log"
    fi
    # Sessions of earlier runs (each timed sign-in makes one) only grow the table.
    "$bin" session revoke "$bench_user" >/dev/null 2>>"$work/cli.log"
}

cookie_from() {
    tr -d '\r' <"$1" | sed -n "s/^[Ss]et-[Cc]ookie: $cookie_name=\([^;]*\).*/\1/p" | tail -n1
}

# Signs in through nginx as a browser does: GET /auth gives the anonymous cookie and its
# csrf_token, POST /auth them with the credentials; the 303 carries the new session cookie.
# Sets anon_token, csrf_token, login_form and session_token.
sign_in() {
    local headers="$work/sign-in.headers" page status
    page=$(curl -sS --max-time 10 -D "$headers" "$gh_url/auth")
    anon_token=$(cookie_from "$headers")
    csrf_token=$(sed -n '/name="csrf_token"/{s/.*value="\([^"]*\)".*/\1/p;q}' <<<"$page")
    [ -n "$anon_token" ] || die "GET /auth set no $cookie_name cookie"
    [ -n "$csrf_token" ] || die "GET /auth gave no csrf_token"
    login_form="username=$(urlencode "$bench_user")&password=$(urlencode "$bench_password")"
    login_form+="&csrf_token=$(urlencode "$csrf_token")&next=%2F"
    status=$(curl -sS --max-time 30 -o /dev/null -D "$headers" -w '%{http_code}' \
        -H "Cookie: $cookie_name=$anon_token" --data "$login_form" "$gh_url/auth")
    [ "$status" = 303 ] || die "POST /auth answered $status, not 303"
    session_token=$(cookie_from "$headers")
    if [ -z "$session_token" ] || [ "$session_token" = "$anon_token" ]; then
        die "POST /auth set no new session cookie"
    fi
}

# expect_status STATUS CURL_ARGS... URL
expect_status() {
    local got
    got=$(http_status "${@:2}")
    [ "$got" = "$1" ] || die "expected $1 from ${*: -1}, got $got"
}

# Each scenario's expected status, checked once by hand before wrk counts them.
check_answers() {
    local c="Cookie: $cookie_name=$session_token"
    expect_status 200 -H "$c" "$gh_url/"
    expect_status 200 -H "$c" "$floor_url/"
    expect_status 204 -H "$c" "$gh_url/auth/check"
    expect_status 200 "$gh_url/auth"
    expect_status 303 "$gh_url/"
    expect_status 303 "$floor_url/"
    grep -q Bench <<<"$(curl -s -H "$c" "$floor_url/")" || die "the floor does not greet the bench user: wrong cookie name or database?"
}

# ---------------------------------------------------------------- PBKDF2 and start-up

# The hardware bound, libcrypto's PKCS5_PBKDF2_HMAC and Gatehouse's loop, hashes/s on one
# core. One PBKDF2-HMAC-SHA256 iteration is two SHA-256 compressions of 64-byte blocks once
# the HMAC pads are precomputed, so the bound is SHA-256 bytes/s / 64 / 2 / iterations.
measure_pbkdf2() {
    iterations=$(effective PBKDF2_ITERATIONS)
    local speed
    speed=$(openssl speed -evp sha256 -seconds "$((pbkdf2_seconds < 2 ? 1 : 2))" -bytes 16384 2>/dev/null \
        | awk '$1 == "sha256" || $1 == "SHA256" { v = $NF } END { print v }')
    sha256_bytes=$(awk -v s="${speed%k}" 'BEGIN { printf "%.0f", s * 1000 }')
    pbkdf2_bound=$(awk -v b="$sha256_bytes" -v i="$iterations" 'BEGIN { printf "%.2f", b / 64 / 2 / i }')
    pbkdf2_reference="" pbkdf2_fast=""
    local line
    # A hidden subcommand (bench/BenchPBKDF2Command.swift.txt); older binaries lack it.
    if line=$("$bin" bench-pbkdf2 "$iterations" "$pbkdf2_seconds" 2>/dev/null); then
        pbkdf2_reference=$(sed -n 's/.*reference=\([0-9.]*\).*/\1/p' <<<"$line")
        pbkdf2_fast=$(sed -n 's/.*fast=\([0-9.]*\).*/\1/p' <<<"$line")
    fi
    log "PBKDF2 at $iterations iterations, hashes/s on one core: bound $pbkdf2_bound" \
        "(sha256 $(awk -v b="$sha256_bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB/s)," \
        "PKCS5_PBKDF2_HMAC ${pbkdf2_reference:-n/a}, Gatehouse ${pbkdf2_fast:-n/a}"
    [ -n "$pbkdf2_fast" ] || log "  (gatehouse bench-pbkdf2 is missing: add bench/BenchPBKDF2Command.swift.txt to the CLI)"
}

# Time from exec of a second `gatehouse serve` (same settings, its own socket) until its
# /healthz answers, polled over FastCGI without nginx. The median of several starts.
measure_startup() {
    local socket="$work/startup.sock" times=() i pid start deadline
    for ((i = 0; i < startup_runs; i++)); do
        rm -f "$socket"
        start=$(now_ms)
        LISTEN="unix:$socket" "$bin" serve 2>>"$work/startup.log" &
        pid=$!
        live[$pid]=startup-responder
        deadline=$((start + 10000))
        until fcgi_healthy "$socket"; do
            alive "$pid" || die "gatehouse serve exited during the start-up measurement (see .build/bench/startup.log)"
            [ "$(now_ms)" -lt "$deadline" ] || die "gatehouse serve did not answer within 10 s"
        done
        times+=($(($(now_ms) - start)))
        stop_pid "$pid"
    done
    rm -f "$socket"
    startup_all="${times[*]}"
    startup_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    log "gatehouse serve answers /healthz ${startup_ms} ms after start (median; runs: $startup_all ms)"
}

# ---------------------------------------------------------------- wrk runs

# Samples the summed RSS (kB) of PIDS every 0.25 s and keeps the peak in FILE. Reads
# /proc directly: a ps fork per sample would itself load the two cores.
sample_rss() {
    local file=$1 peak=0 sum pid key value _
    shift
    echo 0 >"$file"
    while :; do
        sum=0
        for pid in "$@"; do
            while read -r key value _; do
                [ "$key" = VmRSS: ] && sum=$((sum + value)) && break
            done 2>/dev/null <"/proc/$pid/status" || true
        done
        if [ "$sum" -gt "$peak" ]; then
            peak=$sum
            # In place, not truncated first: a sampler stopped mid-write left an empty file.
            # The peak only grows, so each write is at least as long as the one before.
            echo "$peak" 1<>"$file"
        fi
        sleep 0.25
    done
}

declare -A job_pid=() job_sampler=() job_meta=() job_ours=() job_cpu=()
run_no=0

# start_wrk JOB SCENARIO TARGET CONNECTIONS SECONDS EXPECT PATH [COOKIE [FORM]]
# Starts wrk and an RSS sampler of TARGET's responder processes in the background.
start_wrk() {
    local job=$1 scenario=$2 target=$3 conns=$4 secs=$5 expect=$6 path=$7 cookie=${8:-} form=${9:-}
    local url pids timeout=5s
    run_no=$((run_no + 1))
    local log_file
    log_file=$(printf '%s/logs/%03d-%s-%s-c%s.log' "$work" "$run_no" "$scenario" "$target" "$conns")
    if [ "$target" = gatehouse ]; then url=$gh_url$path; pids=$gh_pids; else url=$floor_url$path; pids=$floor_pid; fi
    [ -z "$form" ] || timeout=30s   # a sign-in queues behind others' PBKDF2
    local args=(-t2 -c"$conns" -d"${secs}s" --latency --timeout "$timeout" -s "$root/bench/wrk.lua")
    [ -z "$cookie" ] || args+=(-H "Cookie: $cookie_name=$cookie")
    local rss_file="$log_file.rss"
    job_ours[$job]=$(our_pids)
    # shellcheck disable=SC2086 # lists of pids
    job_cpu[$job]=$(cpu_snapshot ${job_ours[$job]})
    # shellcheck disable=SC2086
    sample_rss "$rss_file" $pids &
    job_sampler[$job]=$!
    live[${job_sampler[$job]}]="rss-sampler"
    BENCH_FORM=$form BENCH_FORM_USERS=${form_users:-} wrk "${args[@]}" "$url" >"$log_file" 2>&1 &
    job_pid[$job]=$!
    live[${job_pid[$job]}]=wrk
    job_meta[$job]="$scenario $target $conns $expect $log_file $rss_file $(load1) $(wc -w <<<"$pids")"
}

# finish_wrk JOB REPEAT: waits for wrk; bench/report.py parses its BENCH line into a row of runs.tsv.
finish_wrk() {
    local job=$1 repeat=$2 scenario target conns expect log_file rss_file load nprocs
    read -r scenario target conns expect log_file rss_file load nprocs <<<"${job_meta[$job]}"
    wait "${job_pid[$job]}" || true
    unset "live[${job_pid[$job]}]"
    stop_pid "${job_sampler[$job]}"
    local others
    # shellcheck disable=SC2086 # a list of pids
    others=$(others_percent "${job_cpu[$job]}" "$(cpu_snapshot ${job_ours[$job]})")
    python3 "$root/bench/report.py" run-row --runs "$runs_tsv" --log "$log_file" --rss "$rss_file" \
        --expect "$expect" "$scenario" "$target" "$conns" "$repeat" "$load" "$nprocs" "$others" || exit 1
}

# run_one SCENARIO TARGET CONNECTIONS REPEAT EXPECT PATH [COOKIE [FORM]]
# A run during which other processes took more than BENCH_MAX_BUSY % of the cores is run
# again, up to BENCH_RETRIES times, and the least disturbed attempt is kept.
run_one() {
    local scenario=$1 target=$2 conns=$3 repeat=$4 attempt rows=() best=0 others
    for ((attempt = 0; attempt <= retries; attempt++)); do
        start_wrk main "$scenario" "$target" "$conns" "$duration" "${@:5}"
        finish_wrk main "$repeat"
        sleep 1   # let the sockets of this run close before the next
        rows+=("$(tail -n1 "$runs_tsv")")
        sed -i '$d' "$runs_tsv"
        others=$(cut -f17 <<<"${rows[-1]}")
        [ "$others" -gt "$(cut -f17 <<<"${rows[best]}")" ] || best=$((${#rows[@]} - 1))
        [ "$others" -gt "$max_busy" ] || break
        if [ "$attempt" -lt "$retries" ]; then
            log "  others took $others % of the cores: again"
            sleep 4
        fi
    done
    printf '%s\n' "${rows[best]}" >>"$runs_tsv"
    [ "${#rows[@]}" -eq 1 ] || log "  kept attempt $((best + 1)) of ${#rows[@]}"
}

# A page-view scenario at every connection count, alternating Gatehouse and the floor.
page_scenario() {
    local scenario=$1 targets=$2 expect=$3 path=$4 cookie=${5:-} conns repeat target
    for conns in "${connections[@]}"; do
        for ((repeat = 1; repeat <= repeats; repeat++)); do
            for target in $targets; do
                run_one "$scenario" "$target" "$conns" "$repeat" "$expect" "$path" "$cookie"
            done
        done
    done
}

# Sign-ins alone, then page views while sign-ins run. All sign-ins reuse one anonymous
# cookie and its csrf_token: the anonymous token is never stored (only HMACed for CSRF),
# so the pair stays valid while each sign-in makes a new session.
# login_scenarios WANT_LOGIN WANT_STORM (each 1 or 0)
login_scenarios() {
    local want_login=$1 want_storm=$2 repeat target
    for ((repeat = 1; repeat <= repeats * want_login; repeat++)); do
        run_one login gatehouse "$login_connections" "$repeat" 303 /auth "$anon_token" "$login_form"
    done
    for ((repeat = 1; repeat <= repeats * want_storm; repeat++)); do
        for target in gatehouse floor; do
            # The storm starts first and outlasts the page views on both ends.
            # Named after the page views it ran beside: sign-ins fare differently when the
            # page views compete for Gatehouse's worker threads than for the floor's.
            start_wrk storm "storm-login-$target" gatehouse "$login_connections" $((duration + 2)) 303 /auth \
                "$anon_token" "$login_form"
            sleep 1
            start_wrk main storm-view "$target" "$storm_connections" "$duration" 200 / "$session_token"
            finish_wrk main "$repeat"
            finish_wrk storm "$repeat"
            sleep 1
        done
    done
}

# The flood: signed-in /auth/check measured idle, then while flood_connections clients sign
# in with the right password at once, each again as soon as it is answered (wrk ignores
# Retry-After), spread over flood_connections users (floodN, benchuser's password hash): the
# lockout admits only a few sign-ins of one user from one address at a time, and answers
# the rest 429. Each process hashes a bounded number and answers the rest 503 at once, so
# the flood must not take the threads /auth/check needs (HashingPool, ResponderTurns).
flood_scenario() {
    local repeat form
    ensure_flood_users
    form=${login_form/username=$(urlencode "$bench_user")/username=flood}
    for ((repeat = 1; repeat <= repeats; repeat++)); do
        run_one flood-idle gatehouse "$storm_connections" "$repeat" 204 /auth/check "$session_token"
        # The flood starts first and outlasts the checks on both ends.
        form_users=$flood_connections start_wrk flood flood-login gatehouse "$flood_connections" $((duration + 2)) \
            303,429,503 /auth "$anon_token" "$form"
        sleep 1
        start_wrk main flood-check gatehouse "$storm_connections" "$duration" 204 /auth/check "$session_token"
        finish_wrk main "$repeat"
        finish_wrk flood "$repeat"
        sleep 1
    done
    sql "DELETE FROM session WHERE \"user\" IN (SELECT id FROM users WHERE username ~ '^flood[0-9]+$')"
}

# What a second factor adds to a sign-in: factor_users fresh users (factorN, benchuser's
# password hash, no factor) each sign in with the password alone, get an authenticator app
# and sign in with password and code, one at a time (bench/factor_signin.py).
factor_users=10
factor_figures=""
factor_scenario() {
    local users=() n
    sql "DELETE FROM users WHERE username ~ '^factor[0-9]+$'"
    sql "INSERT INTO users (username, first_name, p_hash, p_salt, p_iterations, scope, info)
         SELECT 'factor' || n, 'Factor', u.p_hash, u.p_salt, u.p_iterations, '[\"authenticated\"]', '{}'
         FROM users u, generate_series(0, $((factor_users - 1))) AS n WHERE u.username = '$bench_user'"
    for ((n = 0; n < factor_users; n++)); do users+=("factor$n"); done
    factor_figures=$(python3 "$root/bench/factor_signin.py" "$gh_url" "$bench_password" "${users[@]}" | paste -sd';') \
        || die "bench/factor_signin.py failed"
    sql "DELETE FROM users WHERE username ~ '^factor[0-9]+$'"
}

# The flood's users: floodN for N below flood_connections, each with benchuser's password
# (its stored hash copied, so making them costs no PBKDF2).
ensure_flood_users() {
    sql "INSERT INTO users (username, first_name, p_hash, p_salt, p_iterations, scope, info)
         SELECT 'flood' || n, 'Flood', u.p_hash, u.p_salt, u.p_iterations, '[\"authenticated\"]', '{}'
         FROM users u, generate_series(0, $((flood_connections - 1))) AS n WHERE u.username = '$bench_user'
         ON CONFLICT (username) DO UPDATE
         SET p_hash = EXCLUDED.p_hash, p_salt = EXCLUDED.p_salt, p_iterations = EXCLUDED.p_iterations"
}

# sql STATEMENT: runs one statement on Gatehouse's database.
sql() {
    psql "$(database_conninfo)" -qAtX -v ON_ERROR_STOP=1 -c "$1" >/dev/null 2>>"$work/cli.log" || die "SQL failed: $1"
}

# ---------------------------------------------------------------- the session cache and the database

# cache_counters: "HITS MISSES" of the session cache, from Gatehouse's /metrics (any worker
# answers with the totals of all of them).
cache_counters() {
    curl -s --max-time 5 "$gh_url/metrics" | awk '
        $1 == "gatehouse_session_cache_hits_total" { h = $2 }
        $1 == "gatehouse_session_cache_misses_total" { m = $2 }
        END { printf "%d %d", h, m }'
}

# PostgreSQL's statements are counted by pg_stat_statements, which counts each as it ends.
# (pg_stat_database's transaction counts cannot serve: PostgreSQL 15 reports a backend's
# transactions only with table statistics, so one that runs nothing but `SELECT
# pg_backend_pid()`, as the cache listeners do, reports none until it exits.) The module must
# be preloaded: when this script starts the `make run` stack it asks for that; a stack
# already running without it gets no statement counts. Counting costs each statement a few µs,
# so it is on (pg_stat_statements.track) only during database_probe.
statements_ready=0
# psql_admin STATEMENT: on the cluster's postgres database (a key=value conninfo only).
psql_admin() {
    local info
    info=$(database_conninfo)
    [[ "$info" != *://* ]] || return 1
    psql "$info dbname=postgres" -qAtX -v ON_ERROR_STOP=1 -c "$1" 2>>"$work/cli.log"
}
prepare_statement_counts() {
    if [ "$(psql_admin "SHOW shared_preload_libraries" || true)" != pg_stat_statements ]; then
        log "PostgreSQL runs without pg_stat_statements (a stack this script did not start, or DATABASE_URL): no statements per request"
        return
    fi
    # In the postgres database, so Gatehouse's own database gains no extension.
    psql_admin "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null || return 0
    statement_tracking none
    statements_ready=1
}
statement_tracking() {
    psql_admin "ALTER SYSTEM SET pg_stat_statements.track = '$1'" >/dev/null && psql_admin "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5   # each backend applies the reload at its next statement
}
# Statements run in Gatehouse's database so far.
statements_run() {
    psql_admin "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$(effective_database)')" \
        || die "reading pg_stat_statements failed"
}
effective_database() {
    database_conninfo | sed -n 's/.*dbname=\([^ ]*\).*/\1/p'
}

# database_probe SCENARIO PATH: PostgreSQL's statements per request of a signed-in scenario,
# in a Gatehouse-only wrk run (the floor shares the database): those run while idle for
# idle_seconds (the cache listeners' 40 ms heartbeats, the mail senders), then those of
# storm_connections clients for `duration` s. The figures go to the context as
# probe_SCENARIO="REQUESTS STATEMENTS SECONDS IDLE_STATEMENTS IDLE_SECONDS".
idle_seconds=5
database_probe() {
    local scenario=$1 path=$2 t0 t1 t2 s0 s1 s2 requests
    [ "$statements_ready" = 1 ] || return 0
    log "  $scenario: PostgreSQL statements idle, then per request"
    statement_tracking top
    s0=$(statements_run); t0=$(now_ms)
    sleep "$idle_seconds"
    s1=$(statements_run); t1=$(now_ms)
    wrk -t2 -c"$storm_connections" -d"${duration}s" --timeout 5s -s "$root/bench/wrk.lua" \
        -H "Cookie: $cookie_name=$session_token" "$gh_url$path" >"$work/logs/probe-$scenario.log" 2>&1 || true
    s2=$(statements_run); t2=$(now_ms)
    statement_tracking none
    requests=$(sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p' "$work/logs/probe-$scenario.log" | tail -n1)
    [ -n "$requests" ] || die "wrk failed in the $scenario probe (see .build/bench/logs/probe-$scenario.log)"
    probes[$scenario]="$requests $((s2 - s1)) $(((t2 - t1) / 1000)).$(((t2 - t1) % 1000 / 100)) $((s1 - s0)) $(((t1 - t0) / 1000)).$(((t1 - t0) % 1000 / 100))"
}
declare -A probes=() cache_figures=()

# signed_in_scenario SCENARIO TARGETS EXPECT PATH: page_scenario, with the session cache's
# hits and misses over all of the scenario's runs, then database_probe.
signed_in_scenario() {
    local scenario=$1 path=$4 before after
    before=$(cache_counters)
    page_scenario "$scenario" "$2" "$3" "$path" "$session_token"
    after=$(cache_counters)
    local h0 m0 h1 m1
    read -r h0 m0 <<<"$before"
    read -r h1 m1 <<<"$after"
    cache_figures[$scenario]="$((h1 - h0)) $((m1 - m0))"
    database_probe "$scenario" "$path"
}

# ---------------------------------------------------------------- report

# What the report needs beyond the runs (bench/report.py), one `key<TAB>value` a line.
write_context() {
    local head dirty="" autogroups kept=""
    head=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=" (with uncommitted changes)"
    # The storm rows depend on it (README, Performance): with autogroups each session is
    # its own scheduling group, and SCHED_IDLE hashing only yields inside Gatehouse's.
    case $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) in
        1) autogroups="autogroups on" ;;
        0) autogroups="autogroups off" ;;
        *) autogroups="no autogroups" ;;
    esac
    if grep -q 'fastcgi_keep_conn on;' "$root/.run/nginx/site.conf" 2>/dev/null; then
        kept=$(sed -n 's/^ *keepalive \([0-9]*\);.*/\1/p' "$root/.run/nginx/site.conf" | head -n1)
    fi
    local -A c=(
        [when]=$when [head]=$head [dirty]=$dirty [cores]=$(nproc) [kernel]=$(uname -r) [autogroups]=$autogroups
        [cpu]=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)
        [versions]="nginx $(nginx -v 2>&1 | sed 's|.*/||'), wrk $(wrk -v 2>&1 | sed -n '1{s/^wrk \([^ ]*\).*/\1/p;q}' || true)"
        [load_before]=$load_before [load_after]=$(cut -d' ' -f1-3 /proc/loadavg) [max_busy]=$max_busy
        [retries]=$retries [duration]=$duration [repeats]=$repeats [pick]=$pick [quick]=$quick
        [workers]=$(effective WORKERS) [port]=$port [floor_port]=$floor_port [floor_threads]=$floor_threads
        [nginx_keepalive]=$kept [connections]="${connections[*]}" [iterations]=$iterations
        [login_connections]=$login_connections [storm_connections]=$storm_connections
        [flood_connections]=$flood_connections [pbkdf2_bound]=$pbkdf2_bound [pbkdf2_reference]=$pbkdf2_reference
        [pbkdf2_fast]=$pbkdf2_fast [sha256_bytes]=$sha256_bytes [startup_ms]=$startup_ms
        [startup_runs]=$startup_runs [startup_all]=$startup_all [factor_signin]=$factor_figures
    )
    local key
    for key in "${!cache_figures[@]}"; do c[cache_$key]=${cache_figures[$key]}; done
    for key in "${!probes[@]}"; do c[probe_$key]=${probes[$key]}; done
    for key in "${!c[@]}"; do printf '%s\t%s\n' "$key" "${c[$key]}"; done >"$work/context.tsv"
}

# latest.md, latest.svg and latest.tsv, then the table and the targets on the terminal.
report() {
    local md="$results/latest.md" svg="$results/latest.svg" when
    mkdir -p "$results"
    when=$(date -u '+%Y-%m-%d %H:%M UTC')
    write_context
    python3 "$root/bench/report.py" write --runs "$runs_tsv" --context "$work/context.tsv" \
        --aggregate "$agg_tsv" --md "$md" --tsv "$results/latest.tsv" --chart "$work/chart.dat"
    # The chart's first row: connections, then req/s and p99 of Gatehouse's GET /, the floor's, /auth/check's.
    local _ floor_rps check_rps has_check=1
    IFS=$'\t' read -r _ _ _ floor_rps _ check_rps _ < <(sed -n 2p "$work/chart.dat")
    [ "$check_rps" != NaN ] || has_check=0
    if [ "$floor_rps" = NaN ]; then
        log "no signed-in GET / figures in this run (BENCH_SCENARIOS): no chart"
    else
        gnuplot -e "has_check=$has_check; datafile='$work/chart.dat'; outfile='$svg'; subtitle='$when, git $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, load $load_before; $pick of $repeats × ${duration} s wrk runs'" \
            "$root/bench/chart.gp"
    fi
    echo
    python3 "$root/bench/report.py" summary --runs "$runs_tsv" --context "$work/context.tsv"
    echo
    log "wrote $md, $svg and latest.tsv (raw wrk output in .build/bench/logs/)"
}

# ---------------------------------------------------------------- main

main() {
    rm -rf "$work/logs"
    mkdir -p "$work/logs"
    : >"$runs_tsv"
    ensure_tools
    ensure_stack
    load_effective
    cookie_name=$(effective SESSION_COOKIE_NAME)
    [ "$cookie_name" = session ] || die "SESSION_COOKIE_NAME=$cookie_name: the floor reads only the cookie named session"
    gh_pids=$(gatehouse_pids)
    [ -n "$gh_pids" ] || die "cannot find the process listening on $(gh_listen)"
    log "Gatehouse responder process(es): $gh_pids"

    build_floor
    start_floor
    ensure_bench_user
    prepare_statement_counts
    sign_in
    check_answers
    log "signed in as $bench_user; Gatehouse on $gh_url, floor on $floor_url"

    [ "$quick" = 1 ] || wait_for_quiet
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    measure_pbkdf2
    measure_startup

    local scenario
    for scenario in "${scenarios[@]}"; do
        [[ "$scenario" == login || "$scenario" == storm || "$scenario" == flood || "$scenario" == factor ]] || log "scenario $scenario"
        case "$scenario" in
        home) signed_in_scenario home "gatehouse floor" 200 / ;;
        check) signed_in_scenario check gatehouse 204 /auth/check ;;
        login-page) page_scenario login-page gatehouse 200 /auth ;;
        redirect) page_scenario redirect "gatehouse floor" 303 / ;;
        login | storm | flood | factor) ;;   # below, after the page views
        *) die "unknown scenario $scenario (home check login-page redirect login storm flood factor)" ;;
        esac
    done
    # Sign-ins last: each makes a session row, and the page views above should not see them.
    local want_login=0 want_storm=0
    [[ " ${scenarios[*]} " != *" login "* ]] || want_login=1
    [[ " ${scenarios[*]} " != *" storm "* ]] || want_storm=1
    if [ $((want_login + want_storm)) -gt 0 ]; then
        log "scenarios login/storm: sign-ins, then page views during sign-ins"
        login_scenarios "$want_login" "$want_storm"
    fi
    if [[ " ${scenarios[*]} " == *" flood "* ]]; then
        log "scenario flood: /auth/check idle, then during $flood_connections concurrent correct sign-ins"
        flood_scenario
    fi
    if [[ " ${scenarios[*]} " == *" factor "* ]]; then
        log "scenario factor: $factor_users sign-ins one at a time with the password alone, then with a TOTP code"
        factor_scenario
    fi
    "$bin" session revoke "$bench_user" >/dev/null 2>>"$work/cli.log" || true
    report
}

main "$@"
