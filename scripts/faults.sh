#!/usr/bin/env bash
# `make faults`: the faults a deployment meets, each under a bounded loop of requests on
# loopback against a private stack (PostgreSQL, `gatehouse serve` with 2 worker processes,
# nginx), with figures per scenario and a non-zero exit when a bound is broken. The
# scenarios, each with its bounds at the top of its own file (faults/scenarios/):
#   1 worker kill -9   2 PostgreSQL stopped   3 SIGHUP   4 SIGTERM   5 two instances
#   6 PostgreSQL frozen   7 SIGHUP with a broken template   8 mail server down for 30 s
# /metrics is read before and after each scenario (every worker reports the instance's totals).
#
# Each scenario is one file, faults/scenarios/N-name.sh, sourced in the order of N: its bounds
# at its top, then its steps and the rules that judge them. To add one (say "disk full"),
# add a file there: start load with load_start, break something, load_stop, judge_load, then
# count what matters with `records NAME FILTERS...` (tool.py select; the figures arrive as
# shell variables), `fail WHY` for each bound broken, print, and call
# `row NAME SENT FAILED LONGEST RECOVERY BOUND VERDICT` for the table. faults/tool.py only
# measures (load, select, process faults, /metrics); it knows no scenario.
#
# Environment: GATEHOUSE_BIN (default .build/release/gatehouse, built when missing),
# FAULTS_THREADS=6 client threads, FAULTS_SCENARIOS="1 8" only those scenarios (5 needs 4
# before it), KEEP_TMP=1 keeps the temp directory and its logs (kept anyway when a bound is
# broken).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=faults
# shellcheck source=../faults/stack.sh
source "$root/faults/stack.sh"
trap stack_cleanup EXIT
trap 'echo >&2; log "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

threads=${FAULTS_THREADS:-6}
started_at=$(now)
rows=()
broken=0

# ---------------------------------------------------------------- helpers

# load_start NAME SPEC...: the bounded request loop in the background (at most 60 s);
# returns once its first answer is in (Python starts slowly on a busy machine).
load_start() {
    load_name=$1
    shift
    load_out="$tmp/$load_name.tsv"
    rm -f "$tmp/$load_name.stop" "$tmp/$load_name.ready"
    local specs=() i
    for spec in "$@"; do specs+=(--spec "$spec"); done
    python3 "$tool" load --out "$load_out" --threads "${load_threads:-$threads}" --seconds 60 --max-requests 100000 \
        --timeout "${load_timeout:-10}" --pause "${load_pause:-0}" --stop-file "$tmp/$load_name.stop" --ready-file "$tmp/$load_name.ready" \
        "${specs[@]}" &
    load_pid=$!
    stack_bg_pids+=("$load_pid")
    for ((i = 0; i < 300; i++)); do [ -e "$tmp/$load_name.ready" ] && return 0; sleep 0.05; done
    die "the request loop of $load_name did not start"
}

load_stop() {
    touch "$tmp/$load_name.stop"
    wait "$load_pid"
}

# snapshot FILE PORT: /metrics (any worker reports the totals of all of them).
snapshot() {
    python3 "$tool" metrics --port "$2" --out "$1"
}

# report_metrics LABEL BEFORE AFTER
report_metrics() {
    printf '   /metrics%s: %s\n' "${1:+ ($1)}" "$(python3 "$tool" metrics-diff "$2" "$3")"
}

# results TOOL_ARGS...: runs faults/tool.py, whose output is key=value lines, and sets each
# key as a shell variable (no eval: a value is never run as code).
results() {
    local line key
    python3 "$tool" "$@" >"$tmp/results" || die "faults/tool.py $1 failed"
    while IFS= read -r line; do
        key=${line%%=*}
        [[ "$key" =~ ^[a-z_][a-z0-9_]*$ ]] || die "faults/tool.py $1 printed $line"
        printf -v "$key" '%s' "${line#*=}"
    done <"$tmp/results"
}

# records NAME FILTERS...: the last load's records that match every filter (tool.py select:
# --label, --status, --not-status, --unexpected, --started-after/before T, --ended-after/before
# T, --overlapping T0:T1, --not-overlapping T0:T1, --slower-than S), as shell variables: NAME
# (their count), NAME_longest, NAME_statuses, NAME_first_end and NAME_last_end (or "none").
records() { results select "$1" --records "$load_out" "${@:2}"; }

# judge_load: after load_stop, starts a scenario's verdict (ok until fail) with the figures
# of every request: $sent, $longest, $statuses.
judge_load() {
    verdict=ok why=""
    records sent
    longest=$sent_longest statuses=$sent_statuses
    [ "$sent" -gt 0 ] || fail "no request was sent"
}

# fail WHY: a bound broken.
fail() { verdict=FAIL why="${why:+$why; }$1"; }

# above A B: true when the number A is greater than B.
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# seconds_between A B: B - A in seconds, 3 decimals.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# row SCENARIO SENT FAILED LONGEST RECOVERY BOUND VERDICT
row() {
    rows+=("$(printf '| %s | %s | %s | %s | %s | %s | %s |' "$@")")
    [ "$7" = ok ] || broken=1
}

# check DESCRIPTION EXPECTED GOT: one assertion of scenario 5.
check() {
    if [ "$2" = "$3" ]; then
        printf '   ok    %s (%s)\n' "$1" "$3"
    else
        printf '   FAIL  %s: expected %s, got %s\n' "$1" "$2" "$3"
        check_failed=$((check_failed + 1))
    fi
    check_sent=$((check_sent + 1))
}

# post PORT PATH TOKEN FIELDS...: a form POST with the session's csrf_token; prints the status.
post() {
    local port=$1 path=$2 token=$3 csrf field args=()
    shift 3
    csrf=$(csrf_of "$port" "$token")
    args=(--data-urlencode "csrf_token=$csrf")
    for field in "$@"; do args+=(--data-urlencode "$field"); done
    status_of "$port" "$path" "$token" "${args[@]}"
}

# ---------------------------------------------------------------- the stack

stack_init
user_add alice 'alice kettle orbit mango' authenticated admin super
user_add bob 'bob lantern fjord 12' authenticated
# A slow hash (stored iterations win over PBKDF2_ITERATIONS; ~0.5 s of CPU), for a sign-in
# that is still running when SIGTERM arrives.
PBKDF2_ITERATIONS=3000000 user_add slow 'slow walrus prism 1' authenticated

sock_a="$tmp/gh.sock"
port_a=$(free_port)
# Mail goes over SMTP to scripts/smtp-sink.py on smtp_port (scenario 8 starts and stops it);
# every instance on the database sends, so every instance gets the same settings. nginx on
# loopback is the trusted proxy: scenario 8's reset requests each come "from" an address of
# their own (X-Forwarded-For); the other scenarios send none and stay 127.0.0.1.
smtp_port=$(free_port)
cat >>"$env_file" <<ENV
TRUSTED_PROXIES=127.0.0.1
PUBLIC_URL=http://127.0.0.1:$port_a
SMTP_URL=smtp://127.0.0.1:$smtp_port
MAIL_DIR=$tmp/mail-files
ENV
nginx_start "$tmp/nginx-a" "$port_a" "$sock_a"
serve_ready "$sock_a" "$tmp/serve-a.log" "$port_a"
pid_a=$serve_pid
token=$(login "$port_a" alice 'alice kettle orbit mango') || die "signing in as alice failed"
[ "$(status_of "$port_a" / "$token")" = 200 ] || die "GET / with alice's cookie is not 200"
log "stack up: nginx :$port_a → gatehouse serve $pid_a (workers $(worker_pids "$pid_a" | tr ' ' ,)), PostgreSQL :$pg_port; load average $(cut -d' ' -f1-3 /proc/loadavg)"

home_a="home|$port_a|GET|/|session=$token|200"
check_a="check|$port_a|GET|/auth/check|session=$token|204"
page_a="page|$port_a|GET|/auth||200"
health_a="health|$port_a|GET|/healthz||200"

for scenario in "$root"/faults/scenarios/*.sh; do
    number=$(basename "$scenario")
    number=${number%%-*}
    [ -z "${FAULTS_SCENARIOS:-}" ] || [[ " $FAULTS_SCENARIOS " == *" $number "* ]] || continue
    # shellcheck source=/dev/null
    source "$scenario"
done

# ---------------------------------------------------------------- the table

echo
echo "| scenario | requests sent | failed | longest answer | recovery | bound | result |"
echo "|---|--:|--:|--:|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
log "$(awk -v a="$started_at" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s; load average $(cut -d' ' -f1-3 /proc/loadavg); $threads client threads"
if [ "$broken" = 1 ]; then
    keep_tmp=1
    log "a bound was broken"
    exit 1
fi
log "every bound held"
