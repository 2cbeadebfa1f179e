# shellcheck shell=bash
# A private Gatehouse stack for scripts/faults.sh and scripts/soak.sh, sourced by both:
# a PostgreSQL cluster (scripts/pg.sh) on a free port in a temp directory, an env file,
# `gatehouse migrate`, users, `gatehouse serve` instances and nginx (scripts/nginx.sh).
# Everything started here is recorded and stopped by stack_cleanup (the callers trap it).
#
# The caller sets before sourcing: root (the checkout), name (for messages and the temp
# directory), need_wrk=1 when it drives wrk. After stack_init: $tmp, $bin, $tool, $pg_dir, $pg_port, $env_file.

tool="$root/faults/tool.py"
declare -a stack_serve_pids=() stack_nginx_dirs=() stack_bg_pids=()
stack_pg_started=0
keep_tmp=0

log() { printf '%s: %s\n' "$name" "$*"; }
die() { printf '%s: %s\n' "$name" "$*" >&2; exit 1; }
now() { printf '%s' "$EPOCHREALTIME"; }
free_port() { python3 "$tool" free-port; }

# The release binary: GATEHOUSE_BIN, else .build/release/gatehouse, built when missing.
stack_binary() {
    bin=${GATEHOUSE_BIN:-$root/.build/release/gatehouse}
    if [ ! -x "$bin" ]; then
        log "building $bin"
        if [ -n "${GATEHOUSE_BIN:-}" ]; then
            # A path inside a scratch directory: <scratch>/release/gatehouse.
            (cd "$root" && swift build -c release -Xswiftc -warnings-as-errors --scratch-path "$(dirname "$(dirname "$bin")")")
        else
            (cd "$root" && swift build -c release -Xswiftc -warnings-as-errors)
        fi
        [ -x "$bin" ] || die "no binary at $bin after the build"
    fi
    # Gatehouse warns about unknown GATEHOUSE_* keys in its environment.
    export -n GATEHOUSE_BIN 2>/dev/null || true
}

stack_tools() {
    local missing=()
    if [ "${need_wrk:-0}" = 1 ]; then command -v wrk >/dev/null || missing+=(wrk); fi
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v curl >/dev/null || missing+=(curl)
    [ -x /usr/lib/postgresql/15/bin/pg_ctl ] || missing+=(postgresql-15)
    if [ ${#missing[@]} -gt 0 ]; then
        "$root/scripts/install-deps.sh" "${missing[@]}"
    fi
    command -v python3 >/dev/null || die "python3 is missing"
}

# Temp directory (postgres must traverse it), cluster, env file, migration.
stack_init() {
    stack_tools
    stack_binary
    tmp=$(mktemp -d "/tmp/gatehouse-$name.XXXXXX")
    chmod 0755 "$tmp"
    pg_dir="$tmp/pg"
    pg_port=$(free_port)
    "$root/scripts/pg.sh" start "$pg_dir" "$pg_port"
    stack_pg_started=1
    # A copy of the templates: edits in the checkout during a run change nothing, and a
    # scenario may break one on purpose.
    cp -r "$root/templates" "$tmp/templates"
    env_file="$tmp/gh.env"
    cat >"$env_file" <<ENV
SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 64)
DATABASE_URL=postgresql:///gatehouse?host=$pg_dir&port=$pg_port&user=gatehouse
LISTEN=unix:$tmp/gh.sock
WORKER_PROCESSES=2
PBKDF2_ITERATIONS=1000
TEMPLATES_DIR=$tmp/templates
ENV
    export GATEHOUSE_ENV_FILE="$env_file"
    (cd "$root" && "$bin" migrate) >>"$tmp/cli.log" 2>&1 || { cat "$tmp/cli.log" >&2; die "gatehouse migrate failed"; }
}

# gh ARGS...: the CLI against this stack.
gh() { (cd "$root" && "$bin" "$@"); }

# user_add NAME PASSWORD SCOPE...
user_add() {
    local user=$1 password=$2 args=()
    shift 2
    for scope in "$@"; do args+=(--scope "$scope"); done
    printf '%s\n' "$password" | gh user add "$user" --first-name "${user^}" "${args[@]}" >>"$tmp/cli.log" 2>&1 \
        || { tail -3 "$tmp/cli.log" >&2; die "gatehouse user add $user failed"; }
}

psql_stack() { /usr/lib/postgresql/15/bin/psql -h "$pg_dir" -p "$pg_port" -U gatehouse -d gatehouse -qAtX "$@"; }

# serve_start SOCKET LOG: starts `gatehouse serve` in the background; sets serve_pid.
serve_start() {
    local socket=$1 logfile=$2
    rm -f "$socket"
    (cd "$root" && LISTEN="unix:$socket" exec "$bin" serve) 2>>"$logfile" &
    serve_pid=$!
    stack_serve_pids+=("$serve_pid")
    local i
    for ((i = 0; i < 200; i++)); do [ -S "$socket" ] && break; sleep 0.05; done
    [ -S "$socket" ] || { tail -5 "$logfile" >&2; die "gatehouse serve did not open $socket"; }
}

# forget_serve PID: a serve this script already stopped and reaped itself.
forget_serve() {
    local kept=() pid
    for pid in "${stack_serve_pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    stack_serve_pids=("${kept[@]}")
}

# serve_ready SOCKET LOGFILE PORT: serve_start, then wait until the nginx on PORT (started
# before, pointing at SOCKET) answers /healthz and both workers are up.
serve_ready() {
    serve_start "$1" "$2"
    wait_healthy "$3" || die "gatehouse serve on $1 does not answer /healthz through :$3"
    local i
    for ((i = 0; i < 100; i++)); do [ "$(worker_pids "$serve_pid" | wc -w)" = 2 ] && break; sleep 0.05; done
}

# nginx_start DIR PORT SOCKET
nginx_start() {
    "$root/scripts/nginx.sh" start "$1" "$2" "unix:$3"
    stack_nginx_dirs+=("$1")
}

# wait_healthy PORT [SECONDS]: until /healthz answers 200 through nginx.
wait_healthy() {
    local port=$1 limit=${2:-10} i
    for ((i = 0; i < limit * 20; i++)); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/healthz")" = 200 ] && return 0
        sleep 0.05
    done
    return 1
}

# worker_pids SUPERVISOR: the supervisor's children.
worker_pids() { python3 "$tool" children "$1"; }

# cookie_in HEADERS_FILE: the session cookie a response set.
cookie_in() { tr -d '\r' <"$1" | sed -n 's/^[Ss]et-[Cc]ookie: session=\([^;]*\).*/\1/p' | tail -n1; }

# csrf_in < PAGE: the value of the first csrf_token input (attributes in any order).
csrf_in() { grep -o '<input[^>]*name="csrf_token"[^>]*>' | sed -n '1s/.*value="\([^"]*\)".*/\1/p' || true; }

# login PORT USER PASSWORD: signs in through nginx with curl (GET /auth for the anonymous
# cookie and its csrf_token, then POST /auth); prints the new session token.
login() {
    local port=$1 user=$2 password=$3 headers page anon csrf status token
    headers=$(mktemp "$tmp/login.XXXXXX")
    page=$(curl -sS --max-time 10 -D "$headers" "http://127.0.0.1:$port/auth") || return 1
    anon=$(cookie_in "$headers")
    csrf=$(csrf_in <<<"$page")
    [ -n "$anon" ] && [ -n "$csrf" ] || { rm -f "$headers"; return 1; }
    status=$(curl -sS --max-time 10 -o /dev/null -D "$headers" -w '%{http_code}' -H "Cookie: session=$anon" \
        --data-urlencode "csrf_token=$csrf" --data-urlencode "username=$user" --data-urlencode "password=$password" \
        "http://127.0.0.1:$port/auth") || { rm -f "$headers"; return 1; }
    token=$(cookie_in "$headers")
    rm -f "$headers"
    [ "$status" = 303 ] && [ -n "$token" ] && [ "$token" != "$anon" ] || return 1
    printf '%s' "$token"
}

# csrf_of PORT TOKEN: the csrf_token of a signed-in session, read from its home page.
csrf_of() {
    curl -sS --max-time 10 -H "Cookie: session=$2" "http://127.0.0.1:$1/" | csrf_in
}

# status_of PORT PATH TOKEN [CURL_ARGS...]: the HTTP status of one request (TOKEN may be "").
status_of() {
    local port=$1 path=$2 token=$3
    shift 3
    local cookie=()
    [ -z "$token" ] || cookie=(-H "Cookie: session=$token")
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${cookie[@]}" "$@" "http://127.0.0.1:$port$path" || true
}

# gatehouse_rss SUPERVISOR: "pid:kB" for the supervisor and each worker.
gatehouse_rss() {
    local pid kb out=()
    for pid in "$1" $(worker_pids "$1"); do
        kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
        out+=("$pid:$kb")
    done
    printf '%s' "${out[*]}"
}

# Stops background helpers, every serve (SIGTERM, then SIGKILL after 15 s), nginx, PostgreSQL.
stack_cleanup() {
    local status=$? pid i dir
    trap - EXIT INT TERM
    for pid in "${stack_bg_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${stack_serve_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${stack_serve_pids[@]}"; do
        for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for pid in "${stack_bg_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for dir in "${stack_nginx_dirs[@]}"; do "$root/scripts/nginx.sh" stop "$dir" || true; done
    if [ "$stack_pg_started" = 1 ]; then "$root/scripts/pg.sh" stop "$pg_dir" || true; fi
    if [ -n "${tmp:-}" ] && [ -d "$tmp" ]; then
        # Kept when a bound broke or the stack failed (exit 1), not after Ctrl-C (130/143).
        if [ "$status" = 1 ] || [ "$keep_tmp" = 1 ] || [ "${KEEP_TMP:-0}" = 1 ]; then
            rm -rf "$pg_dir/data"
            log "logs kept in $tmp"
        else
            rm -rf "$tmp"
        fi
    fi
    exit "$status"
}
