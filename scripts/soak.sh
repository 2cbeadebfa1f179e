#!/usr/bin/env bash
# `make soak`: SOAK_MINUTES (default 10) of mixed load — sign-in page, sign-ins, page views,
# /auth/check, the account page, sign-outs — at SOAK_LOAD (default 0.7) of the capacity
# measured first (10 s of the same visits, unpaced), against a private stack like
# scripts/faults.sh's. wrk drives it with faults/soak.lua: one connection per wrk thread,
# each paced to a schedule (wrk2-style; Debian's wrk has no -R).
#
# Prints per minute: requests, errors, 5xx, p99, the RSS of each Gatehouse process and the
# PostgreSQL connections (pg_stat_activity). Fails on any 5xx or error, on any process's
# RSS growing more than 10% after the first minute, and on connections growing (a leak).
#
# Environment: GATEHOUSE_BIN (default .build/release/gatehouse, built when missing),
# SOAK_MINUTES=10, SOAK_LOAD=0.7, SOAK_CONNECTIONS=32 (each connection waits for its
# answer before the next request, so it must be well under 1/latency requests/s), KEEP_TMP=1 keeps the temp directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=soak
need_wrk=1
# shellcheck source=../faults/stack.sh
source "$root/faults/stack.sh"
trap stack_cleanup EXIT
trap 'echo >&2; log "interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

minutes=${SOAK_MINUTES:-10}
share=${SOAK_LOAD:-0.7}
connections=${SOAK_CONNECTIONS:-32}
user=soak
password='soak quartz meadow 12'

stack_init
user_add "$user" "$password" authenticated admin
# One user per connection (faults/soak.lua signs connection N in as soakN).
for ((n = 1; n <= connections; n++)); do user_add "$user$n" "$password" authenticated admin; done
sock="$tmp/gh.sock"
port=$(free_port)
nginx_start "$tmp/nginx" "$port" "$sock"
serve_ready "$sock" "$tmp/serve.log" "$port"
pid=$serve_pid
token=$(login "$port" "$user" "$password") || die "signing in as $user failed"
[ "$(status_of "$port" / "$token")" = 200 ] || die "GET / with the session cookie is not 200"
url="http://127.0.0.1:$port"
log "stack up: nginx :$port → gatehouse serve $pid (workers $(worker_pids "$pid" | tr ' ' ,)), PostgreSQL :$pg_port"

# ---------------------------------------------------------------- capacity

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# The visits' own capacity, not a signed-in GET /'s: that one is answered from the session
# cache, while a visit also signs in (PBKDF2), reads /account and posts a sign-out. Counted
# from whole visits (sign-outs × steps): unpaced, the hashing pools refuse sign-ins beyond
# what they admit (503), each refusal starts its visit again, and those cheap answers would
# otherwise count as capacity (they were a third of the requests, and 0.7 of that figure
# was twice what the stack could do).
SOAK_RATE=1000000 SOAK_USER=$user SOAK_PASSWORD=$password \
    wrk -t"$connections" -c"$connections" -d10s --timeout 5s -s "$root/faults/soak.lua" "$url/" >"$tmp/capacity.txt" 2>&1
capacity=$(sed -n 's/^SOAK requests=[0-9]* duration_us=\([0-9]*\) .* logouts=\([0-9]*\) visit_steps=\([0-9]*\) .*/\1 \2 \3/p' "$tmp/capacity.txt" \
    | awk '{ if ($1 > 0) printf "%.0f", $2 * $3 / ($1 / 1e6) }')
[ -n "$capacity" ] && [ "$capacity" -gt 0 ] || { cat "$tmp/capacity.txt" >&2; die "the capacity run gave no figure"; }
target=$(awk -v c="$capacity" -v s="$share" 'BEGIN { printf "%.0f", c * s }')
per_connection=$(awk -v t="$target" -v n="$connections" 'BEGIN { printf "%.3f", t / n }')
log "capacity ($connections connections going round the visits unpaced, 10 s): $capacity req/s in whole visits ($(sed -n 's/^SOAK requests=\([0-9]*\) .* s5xx=\([0-9]*\) .*/\1 requests, \2 refused/p' "$tmp/capacity.txt")) at load average $load_before"
log "$minutes min at ${share} × capacity = $target req/s ($connections connections × $per_connection req/s), mixed visits"
"$bin" session revoke "$user" >/dev/null 2>>"$tmp/cli.log" || true

# ---------------------------------------------------------------- the minutes

pg_connections() {
    psql_stack -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gatehouse'"
}
session_rows() { psql_stack -c "SELECT count(*) FROM session"; }

declare -A rss_first=()
conns_first=""
failures=()
table=()
total_requests=0
total_errors=0

printf '\n| minute | requests | req/s | of target | errors | 5xx | p50 ms | p99 ms | max ms | sign-ins | sign-in p99/max ms | RSS MB (supervisor, workers) | pg connections | session rows | load 1m |\n'
printf '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|\n'
for ((minute = 1; minute <= minutes; minute++)); do
    workers_at_start=$(worker_pids "$pid")
    SOAK_RATE=$per_connection SOAK_USER=$user SOAK_PASSWORD=$password \
        wrk -t"$connections" -c"$connections" -d60s --timeout 5s -s "$root/faults/soak.lua" "$url/" \
        >"$tmp/minute-$minute.txt" 2>&1 &
    wrk_pid=$!
    stack_bg_pids+=("$wrk_pid")
    # Samples under load, a few seconds before the minute ends.
    sleep 55
    rss=$(gatehouse_rss "$pid")
    conns=$(pg_connections)
    sessions=$(session_rows)
    load1=$(cut -d' ' -f1 /proc/loadavg)
    wait "$wrk_pid" || true
    line=$(grep '^SOAK ' "$tmp/minute-$minute.txt" || true)
    [ -n "$line" ] || { cat "$tmp/minute-$minute.txt" >&2; die "wrk gave no SOAK line in minute $minute"; }
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
    requests=$(field requests)
    socket_errors=$(($(field connect) + $(field read) + $(field write) + $(field timeout)))
    errors=$((socket_errors + $(field unexpected)))
    s5xx=$(field s5xx)
    rps=$(awk -v r="$requests" -v d="$(field duration_us)" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
    total_requests=$((total_requests + requests))
    total_errors=$((total_errors + errors))
    rss_text=""
    for entry in $rss; do
        rss_text+="${rss_text:+, }$(awk -v k="${entry#*:}" 'BEGIN { printf "%.1f", k / 1024 }')"
    done
    printf '| %d | %d | %d | %s%% | %d | %d | %s | %s | %s | %d | %s/%s | %s | %d | %d | %s |\n' "$minute" "$requests" "$rps" \
        "$(awk -v r="$rps" -v t="$target" 'BEGIN { printf "%.0f", 100 * r / t }')" "$errors" \
        "$s5xx" "$(ms "$(field p50_us)")" "$(ms "$(field p99_us)")" "$(ms "$(field max_us)")" "$(field logins)" \
        "$(ms "$(field login_p99_us)")" "$(ms "$(field login_max_us)")" \
        "$rss_text" "$conns" "$sessions" "$load1"
    [ "$errors" = 0 ] || failures+=("minute $minute: $errors errors (socket $socket_errors, unexpected statuses $(field bad))")
    [ "$s5xx" = 0 ] || failures+=("minute $minute: $s5xx answers 5xx ($(field statuses))")
    [ "$(worker_pids "$pid")" = "$workers_at_start" ] || failures+=("minute $minute: workers changed ($workers_at_start → $(worker_pids "$pid"))")
    if [ "$minute" = 1 ]; then
        for entry in $rss; do rss_first[${entry%:*}]=${entry#*:}; done
        conns_first=$conns
    else
        for entry in $rss; do
            p=${entry%:*} kb=${entry#*:}
            first=${rss_first[$p]:-}
            if [ -z "$first" ]; then
                failures+=("minute $minute: process $p was not there in minute 1")
            elif [ "$kb" -gt $((first * 110 / 100)) ]; then
                failures+=("minute $minute: process $p RSS $((first / 1024)) → $((kb / 1024)) MB (+$(((kb - first) * 100 / first))% since minute 1)")
            fi
        done
        [ "$conns" -le "$conns_first" ] || failures+=("minute $minute: PostgreSQL connections $conns_first → $conns")
    fi
done

echo
log "$total_requests requests in $minutes min, $total_errors errors; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
log "RSS MB: the supervisor, then each worker; pg connections: Gatehouse's (application_name), sampled 55 s into each minute"
log "session rows grow by up to $connections a minute: each minute's wrk run stops mid-visit, leaving signed-in sessions to expire"
if [ ${#failures[@]} -gt 0 ]; then
    keep_tmp=1
    printf 'soak: FAIL: %s\n' "${failures[@]}" >&2
    exit 1
fi
log "no 5xx, no error, RSS within 10% of minute 1, no connection growth"
