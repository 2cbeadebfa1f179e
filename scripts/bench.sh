#!/usr/bin/env bash
# `make bench`: Gatehouse beside the floor responder (../shared/bench/floor), each behind its
# own nginx, measured with wrk in the same run, so every figure is also a ratio to the floor.
# Prints a table and writes bench/results/latest.md, latest.svg and latest.tsv.
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
#   BENCH_SCENARIOS="home check login-page redirect login storm flood"   a subset (`flood`:
#                           /auth/check idle, then during 300 concurrent correct sign-ins)
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
read -r -a scenarios <<<"${BENCH_SCENARIOS:-home check login-page redirect login storm flood}"
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
        swift build -c release --static-swift-stdlib -Xswiftc -warnings-as-errors
    fi
    log "starting the make run stack (scripts/run.sh, log in .build/bench/run.log)"
    PORT=$port "$root/scripts/run.sh" >"$work/run.log" 2>&1 &
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

# finish_wrk JOB REPEAT: waits for wrk, parses its BENCH line, appends a row to runs.tsv.
finish_wrk() {
    local job=$1 repeat=$2 scenario target conns expect log_file rss_file load nprocs
    read -r scenario target conns expect log_file rss_file load nprocs <<<"${job_meta[$job]}"
    wait "${job_pid[$job]}" || true
    unset "live[${job_pid[$job]}]"
    stop_pid "${job_sampler[$job]}"
    local others
    # shellcheck disable=SC2086 # a list of pids
    others=$(others_percent "${job_cpu[$job]}" "$(cpu_snapshot ${job_ours[$job]})")
    local line
    line=$(grep '^BENCH ' "$log_file" | tail -n1) || die "wrk failed ($log_file): $(tail -n3 "$log_file")"
    local -A r=()
    local kv
    for kv in ${line#BENCH }; do r[${kv%%=*}]=${kv#*=}; done
    local expected_count=0 expected_errors=0 unexpected
    if [ "${r[statuses]}" = - ]; then
        unexpected=0
    else
        # EXPECT may list several statuses (the flood's 303,503); an expected 503 is no error.
        read -r expected_count expected_errors < <(tr ',' '\n' <<<"${r[statuses]}" | awk -F: -v e="$expect" '
            BEGIN { split(e, list, ","); for (i in list) want[list[i]] = 1 }
            $1 in want { n += $2; if ($1 >= 400) bad += $2 } END { print n + 0, bad + 0 }')
        unexpected=$((r[requests] - expected_count))
        r[non2xx3xx]=$((r[non2xx3xx] - expected_errors))
    fi
    local sockets=$((r[connect] + r[read] + r[write] + r[timeout]))
    local rss
    rss=$(cat "$rss_file")
    rss=${rss:-0}
    awk -v OFS='\t' -v s="$scenario" -v t="$target" -v c="$conns" -v k="$repeat" -v n="${r[requests]}" \
        -v d="${r[duration_us]}" -v p50="${r[p50_us]}" -v p99="${r[p99_us]}" -v mx="${r[max_us]}" \
        -v se="$sockets" -v bad="${r[non2xx3xx]}" -v un="$unexpected" -v st="${r[statuses]}" \
        -v rss="$rss" -v np="$nprocs" -v l="$load" -v o="$others" 'BEGIN {
            print s, t, c, k, sprintf("%.1f", n * 1e6 / d), p50 / 1000, p99 / 1000, mx / 1000,
                  n, se, bad, un, st, rss, np, l, o
        }' >>"$runs_tsv"
    tail -n1 "$runs_tsv" | awk -F'\t' '{
        printf "  %-21s %-9s c=%-3s #%s %8.1f req/s  p50 %7.2f  p99 %8.2f ms  errors %s/%s/%s  RSS %4.1f MB  others %s%%\n",
            $1, $2, $3, $4, $5, $6, $7, $10, $11, $12, $14 / 1024, $17 }'
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

# flood_answers STATUS: how many of the flood's sign-ins got STATUS, summed over its runs.
flood_answers() {
    awk -F'\t' -v want="$1" '$1 == "flood-login" { n = split($13, list, ",")
        for (i = 1; i <= n; i++) { split(list[i], kv, ":"); if (kv[1] == want) sum += kv[2] } }
        END { print sum + 0 }' "$runs_tsv"
}

# ---------------------------------------------------------------- report

# Scenario names, how the table labels them, and which floor row each is compared with.
label() {
    case "$1" in
    home) echo "GET / signed in" ;;
    check) echo "GET /auth/check signed in ¹" ;;
    login-page) echo "GET /auth anonymous ²" ;;
    redirect) echo "GET / anonymous → 303" ;;
    login) echo "POST /auth sign-in ³" ;;
    storm-view) echo "GET / signed in, during sign-ins ⁴" ;;
    storm-login-gatehouse) echo "POST /auth during Gatehouse page views ⁴" ;;
    storm-login-floor) echo "POST /auth during floor page views ⁴" ;;
    flood-idle) echo "GET /auth/check signed in, before the flood ⁶" ;;
    flood-check) echo "GET /auth/check signed in, during the flood ⁶" ;;
    flood-login) echo "POST /auth, the flood of correct sign-ins ⁶" ;;
    *) echo "$1" ;;
    esac
}
floor_reference() {
    case "$1" in
    home | check) echo home ;;
    login-page | redirect) echo redirect ;;
    storm-view) echo storm-view ;;
    *) echo - ;;
    esac
}

# Over the repeats: req/s, p50 and p99 (their means, or those of the best run); sums of
# errors; peak RSS; the req/s range.
aggregate() {
    awk -F'\t' -v OFS='\t' -v pick="$pick" '
        { key = $1 OFS $2 OFS $3
          if (!(key in n)) order[++keys] = key
          n[key]++
          if (pick == "mean") { rps[key] += $5; p50[key] += $6; p99[key] += $7 }
          else if (n[key] == 1 || $5 > rps[key]) { rps[key] = $5; p50[key] = $6; p99[key] = $7 }
          lo[key] = (n[key] == 1 || $5 < lo[key]) ? $5 : lo[key]
          hi[key] = (n[key] == 1 || $5 > hi[key]) ? $5 : hi[key]
          se[key] += $10; bad[key] += $11; un[key] += $12
          if ($12 > 0) st[key] = st[key] (st[key] == "" ? "" : " ") $13
          rss[key] = ($14 > rss[key]) ? $14 : rss[key]; np[key] = $15
          others[key] = ($17 > others[key]) ? $17 : others[key] }
        END { print "# scenario", "target", "connections", "runs", "req/s", "p50 ms", "p99 ms", "req/s min", "req/s max",
                    "socket errors", "non-2xx/3xx", "unexpected status", "statuses of unexpected", "peak RSS kB", "processes",
                    "others CPU % (max)"
              for (i = 1; i <= keys; i++) { k = order[i]; d = (pick == "mean") ? n[k] : 1
                print k, n[k], sprintf("%.1f", rps[k] / d), sprintf("%.2f", p50[k] / d), sprintf("%.2f", p99[k] / d),
                      lo[k], hi[k], se[k], bad[k], un[k], (st[k] == "" ? "-" : st[k]), rss[k], np[k], others[k] + 0 } }
    ' "$runs_tsv" >"$agg_tsv"
}

# agg SCENARIO TARGET CONNECTIONS COLUMN: one figure of the aggregate ("" when absent).
agg() { awk -F'\t' -v s="$1" -v t="$2" -v c="$3" -v col="$4" '$1 == s && $2 == t && $3 == c { print $col }' "$agg_tsv"; }

table() {
    echo "| scenario | target | conns | req/s | p50 ms | p99 ms | req/s ÷ floor | p99 ÷ floor | errors | RSS MB | others' CPU ⁵ |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|"
    local scenario target conns rps p50 p99 se bad un st rss np others ref frps fp99 ratio_r ratio_p errors
    # The runs count and the req/s range (columns 4, 8, 9) stay in latest.tsv.
    while IFS=$'\t' read -r scenario target conns _ rps p50 p99 _ _ se bad un st rss np others; do
        [ "${scenario:0:1}" = "#" ] && continue
        ratio_r="—" ratio_p="—"
        ref=$(floor_reference "$scenario")
        if [ "$target" = gatehouse ] && [ "$ref" != - ]; then
            frps=$(agg "$ref" floor "$conns" 5)
            fp99=$(agg "$ref" floor "$conns" 7)
            if [ -n "$frps" ]; then
                ratio_r=$(awk -v a="$rps" -v b="$frps" 'BEGIN { printf "%.2f×", a / b }')
                ratio_p=$(awk -v a="$p99" -v b="$fp99" 'BEGIN { printf "%.2f×", a / b }')
            fi
        fi
        errors=""
        [ "$se" = 0 ] || errors+="$se socket "
        [ "$bad" = 0 ] || errors+="$bad non-2xx/3xx "
        [ "$un" = 0 ] || errors+="$un unexpected ($st) "
        errors=${errors% }
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s %% |\n' "$(label "$scenario")" "$target" "$conns" \
            "$(printf '%.0f' "$rps")" "$p50" "$p99" "$ratio_r" "$ratio_p" "${errors:-0}" \
            "$(awk -v k="$rss" -v n="$np" 'BEGIN { printf "%.1f%s", k / 1024, (n > 1 ? " (" n " procs)" : "") }')" "$others"
    done <"$agg_tsv"
}

pass() { if awk "BEGIN { exit !($1) }"; then echo "**met**"; else echo "**missed**"; fi; }

# The issue's targets, evaluated on this run's figures.
targets() {
    local conns rps frps p99 fp99 line
    echo "- Signed-in \`GET /\` and \`GET /auth/check\`: req/s ≥ 0.9× the floor's, p99 ≤ 1.5× the floor's:"
    for scenario in home check; do
        for conns in "${connections[@]}"; do
            rps=$(agg "$scenario" gatehouse "$conns" 5); p99=$(agg "$scenario" gatehouse "$conns" 7)
            frps=$(agg home floor "$conns" 5); fp99=$(agg home floor "$conns" 7)
            if [ -z "$rps" ] || [ -z "$frps" ]; then continue; fi
            line=$(awk -v a="$rps" -v b="$frps" -v p="$p99" -v q="$fp99" \
                'BEGIN { printf "%.2f× req/s, %.2f× p99", a / b, p / q }')
            echo "  - $(label "$scenario" | sed 's/ [¹²³⁴]$//') c=$conns: $line — $(pass "$rps >= 0.9 * $frps && $p99 <= 1.5 * $fp99")"
        done
    done
    if [ -n "$pbkdf2_fast" ]; then
        echo "- PBKDF2 ≥ 0.7× the bound: Gatehouse $pbkdf2_fast/s = $(awk -v a="$pbkdf2_fast" -v b="$pbkdf2_bound" \
            'BEGIN { printf "%.2f", a / b }')× the bound $pbkdf2_bound/s — $(pass "$pbkdf2_fast >= 0.7 * $pbkdf2_bound")"
    else
        echo "- PBKDF2 ≥ 0.7× the bound: not measured (\`gatehouse bench-pbkdf2\` missing)"
    fi
    local logins storm idle cores
    cores=$(nproc)
    logins=$(agg login gatehouse "$login_connections" 5)
    if [ -n "$logins" ] && [ -n "$pbkdf2_fast" ]; then
        echo "- Sign-ins ≥ 0.9× cores × PBKDF2 rate ($cores × $pbkdf2_fast/s): $logins/s = $(awk -v a="$logins" \
            -v b="$pbkdf2_fast" -v c="$cores" 'BEGIN { printf "%.2f", a / (b * c) }')× — $(pass "$logins >= 0.9 * $cores * $pbkdf2_fast")"
    elif [ -n "$logins" ]; then
        echo "- Sign-ins ≥ 0.9× cores × PBKDF2 rate: $logins/s; the rate needs \`gatehouse bench-pbkdf2\`" \
            "(the bound would allow $(awk -v b="$pbkdf2_bound" -v c="$cores" 'BEGIN { printf "%.1f", b * c }')/s)"
    fi
    storm=$(agg storm-view gatehouse "$storm_connections" 7)
    idle=$(agg home gatehouse "$storm_connections" 7)
    if [ -n "$storm" ] && [ -n "$idle" ]; then
        echo "- Page-view p99 during sign-ins ≤ 2× idle (c=$storm_connections): $storm ms vs $idle ms idle =" \
            "$(awk -v a="$storm" -v b="$idle" 'BEGIN { printf "%.2f", a / b }')× — $(pass "$storm <= 2 * $idle")" \
            "(the floor: $(agg storm-view floor "$storm_connections" 7) ms vs $(agg home floor "$storm_connections" 7) ms idle)"
    fi
    local flood flood_idle
    flood=$(agg flood-check gatehouse "$storm_connections" 7)
    flood_idle=$(agg flood-idle gatehouse "$storm_connections" 7)
    if [ -n "$flood" ] && [ -n "$flood_idle" ]; then
        local versus
        # A gate that stalls answers nothing, and wrk then reports a p99 of 0.
        if awk -v r="$(agg flood-check gatehouse "$storm_connections" 5)" 'BEGIN { exit !(r > 0) }'; then
            versus="$flood ms vs $flood_idle ms just before = $(awk -v a="$flood" -v b="$flood_idle" 'BEGIN { printf "%.2f", a / b }')×"
        else
            versus="**no answer at all** during the flood (${duration} s; $flood_idle ms just before)"
        fi
        echo "- \`/auth/check\` p99 during a flood of $flood_connections concurrent correct sign-ins (c=$storm_connections):" \
            "$versus (reported, no target); the flood's sign-ins: $(flood_answers 303) signed in (303)," \
            "$(flood_answers 503) refused at once (503, Retry-After), $(flood_answers 429) held back by the lockout (429)," \
            "$(agg flood-login gatehouse "$flood_connections" 11)" \
            "other non-2xx/3xx, $(agg flood-login gatehouse "$flood_connections" 10) socket errors"
    fi
    local peak
    peak=$(awk -F'\t' '$2 == "gatehouse" && $14 > m { m = $14 } END { printf "%.1f", m / 1024 }' "$agg_tsv")
    echo "- All Gatehouse processes ≤ 40 MB RSS under load: peak $peak MB — $(pass "$peak <= 40")"
    echo "- \`gatehouse serve\` answers ≤ 200 ms after start: $startup_ms ms — $(pass "$startup_ms <= 200")"
    local errors
    errors=$(awk -F'\t' 'NR > 1 { e += $10 + $11 + $12 } END { print e + 0 }' "$agg_tsv")
    echo "- No 5xx, no socket errors, no unexpected status: $errors in all — $(pass "$errors == 0")"
}

write_chart_data() {
    local conns pair scenario target
    {
        printf '# connections\tGatehouse GET / req/s\tp99 ms\tfloor GET / req/s\tp99 ms\tGatehouse /auth/check req/s\tp99 ms\n'
        for conns in "${connections[@]}"; do
            printf '%s' "$conns"
            for pair in "home gatehouse" "home floor" "check gatehouse"; do
                read -r scenario target <<<"$pair"
                printf '\t%s\t%s' "$(agg "$scenario" "$target" "$conns" 5)" "$(agg "$scenario" "$target" "$conns" 7)"
            done
            printf '\n'
        done
    } | awk -F'\t' -v OFS='\t' '{ for (i = 2; i <= NF; i++) if ($i == "") $i = "NaN"; print }' >"$work/chart.dat"
}

report() {
    aggregate
    local md="$results/latest.md" svg="$results/latest.svg" head dirty cpu when versions autogroups
    mkdir -p "$results"
    head=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=""
    [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=" (with uncommitted changes)"
    cpu=$(sed -n '/^model name/{s/^model name[[:space:]]*: //p;q}' /proc/cpuinfo)
    versions="nginx $(nginx -v 2>&1 | sed 's|.*/||'), wrk $(wrk -v 2>&1 | sed -n '1{s/^wrk \([^ ]*\).*/\1/p;q}' || true)"
    when=$(date -u '+%Y-%m-%d %H:%M UTC')
    # The storm rows depend on it (README, Performance): with autogroups each session is
    # its own scheduling group, and SCHED_IDLE hashing only yields inside Gatehouse's.
    case $(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null) in
        1) autogroups="autogroups on" ;;
        0) autogroups="autogroups off" ;;
        *) autogroups="no autogroups" ;;
    esac
    local pick_text="req/s, p50 and p99 are the **mean** of the runs"
    [ "$pick" = mean ] || pick_text="req/s, p50 and p99 are those of the **best** run (most req/s; BENCH_PICK=best)"
    {
        echo "# Gatehouse benchmark"
        echo
        echo "Written by \`make bench\` (scripts/bench.sh) on $when at git $head$dirty."
        echo "Machine: $(nproc) cores ($cpu); Linux $(uname -r), $autogroups; $versions."
        echo "Load average: $load_before before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after (the runs themselves load the" \
            "two cores to ~5). Other engineers build and fuzz on the same cores: processes that were not the benchmark's" \
            "took $(awk -F'\t' 'NR == 1 || $17 < lo { lo = $17 } NR == 1 || $17 > hi { hi = $17 } END { print lo "–" hi }' "$runs_tsv") %" \
            "of the cores during the runs (column ⁵); a page-view or sign-in run they took more than $max_busy % of was" \
            "run again, up to $retries time(s), and the least disturbed attempt kept."
        echo
        echo "wrk -t2 -d${duration}s --latency, $repeats run(s) per row, Gatehouse and the floor alternating;" \
            "$pick_text, errors their sum, RSS the peak of all" \
            "responder processes of that side sampled during the runs. Gatehouse: WORKERS=$(effective WORKERS), the" \
            "\`make run\` nginx on :$port. Floor: \`../shared/bench/floor\` in \`db\` mode, $floor_threads threads, behind" \
            "its own nginx on :$floor_port with the same settings, the same database and the same session cookie."
        local kept
        kept=$(sed -n 's/^ *keepalive \([0-9]*\);.*/\1/p' "$root/.run/nginx/site.conf" 2>/dev/null | head -n1)
        if grep -q 'fastcgi_keep_conn on;' "$root/.run/nginx/site.conf" 2>/dev/null && [ -n "$kept" ]; then
            echo "Gatehouse's nginx keeps its FastCGI connections open between requests (deploy/nginx.conf: up to" \
                "$kept idle per nginx worker); the floor's opens a new one per request, since each floor thread would wait" \
                "on the connection it answered."
        else
            echo "Every nginx opens a new FastCGI connection per request."
        fi
        if [ "$quick" = 1 ]; then
            echo
            echo "**BENCH_QUICK smoke run: ${duration} s per run, $repeats run(s) each — not for quoting.**"
        fi
        echo
        table
        echo
        echo "¹ compared with the floor's signed-in \`GET /\` (the floor has no check route)."
        echo "² no database work; compared with the floor's anonymous \`GET /\` (its answer without database work)."
        echo "³ PBKDF2_ITERATIONS=$iterations, every request a successful sign-in (a new session row); see the targets below."
        echo "⁴ $login_connections clients signing in (POST /auth to Gatehouse) while $storm_connections clients view pages;" \
            "the floor rows show what the same sign-in load does to the floor, i.e. the CPU contention alone." \
            "With the kernel's autogroups on, every session (each PostgreSQL backend, nginx, Gatehouse) is its own" \
            "scheduling group and the hashing threads' SCHED_IDLE only yields to Gatehouse's own threads (README, Performance)."
        echo "⁵ the largest share of all cores that other processes (not wrk, nginx, the responders or PostgreSQL of" \
            "\`make run\`) used during one of the row's runs, from /proc/stat less the benchmark's processes."
        echo "⁶ $flood_connections clients POST the right password (users flood0..flood$((flood_connections - 1))) at once, each again as soon as it is" \
            "answered, while $storm_connections clients ask \`/auth/check\`; the row before the flood is its idle reference." \
            "Each worker process hashes at most one sign-in per core and queues one per core; the rest are answered 503" \
            "with Retry-After at once, which here counts as expected, not as an error."
        echo
        echo "![requests/s and p99 vs connections](latest.svg)"
        echo
        echo "## PBKDF2-HMAC-SHA256, hashes/s on one core at $iterations iterations"
        echo
        echo "| bound | libcrypto PKCS5_PBKDF2_HMAC | Gatehouse |"
        echo "|--:|--:|--:|"
        echo "| $pbkdf2_bound | ${pbkdf2_reference:-n/a} | ${pbkdf2_fast:-n/a} |"
        echo
        echo "Bound: \`openssl speed -evp sha256 -bytes 16384\` = $sha256_bytes bytes/s ÷ 64 ÷ 2 ÷ $iterations" \
            "(one iteration is two SHA-256 block compressions once the HMAC pads are precomputed)."
        [ -n "$pbkdf2_fast" ] || echo "Gatehouse's and libcrypto's rates need the hidden \`gatehouse bench-pbkdf2\` subcommand (bench/BenchPBKDF2Command.swift.txt)."
        echo
        echo "## Start-up"
        echo
        echo "\`gatehouse serve\` answered \`/healthz\` (over FastCGI, database up) **$startup_ms ms** after exec (median of $startup_runs starts: $startup_all ms)."
        echo
        echo "## Targets of issue 6"
        echo
        targets
    } >"$md"
    write_chart_data
    local has_check=0
    [ -z "$(agg check gatehouse "${connections[0]}" 5)" ] || has_check=1
    local subtitle
    subtitle="$when, git $head, $(nproc) cores, load $load_before; $pick of $repeats × ${duration} s wrk runs"
    if [ -z "$(agg home floor "${connections[0]}" 5)" ]; then
        log "no signed-in GET / figures in this run (BENCH_SCENARIOS): no chart"
    else
        gnuplot -e "has_check=$has_check; datafile='$work/chart.dat'; outfile='$svg'; subtitle='$subtitle'" \
            "$root/bench/chart.gp"
    fi
    { echo "# $when git $head"; cat "$agg_tsv"; } >"$results/latest.tsv"
    echo
    table
    echo
    targets
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
    sign_in
    check_answers
    log "signed in as $bench_user; Gatehouse on $gh_url, floor on $floor_url"

    [ "$quick" = 1 ] || wait_for_quiet
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    measure_pbkdf2
    measure_startup

    local scenario
    for scenario in "${scenarios[@]}"; do
        [[ "$scenario" == login || "$scenario" == storm || "$scenario" == flood ]] || log "scenario $scenario"
        case "$scenario" in
        home) page_scenario home "gatehouse floor" 200 / "$session_token" ;;
        check) page_scenario check gatehouse 204 /auth/check "$session_token" ;;
        login-page) page_scenario login-page gatehouse 200 /auth ;;
        redirect) page_scenario redirect "gatehouse floor" 303 / ;;
        login | storm | flood) ;;   # below, after the page views
        *) die "unknown scenario $scenario (home check login-page redirect login storm flood)" ;;
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
    "$bin" session revoke "$bench_user" >/dev/null 2>>"$work/cli.log" || true
    report
}

main "$@"
