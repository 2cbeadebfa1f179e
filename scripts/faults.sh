#!/usr/bin/env bash
# `make faults`: the faults a deployment meets, each under a bounded loop of requests on
# loopback against a private stack (PostgreSQL, `gatehouse serve` with 2 worker processes,
# nginx), with figures per scenario and a non-zero exit when a bound is broken:
#   1 worker kill -9      at most the requests in flight fail; a replacement within 1 s
#   2 PostgreSQL stopped  pages and /healthz answer 503, none slower than 2 s; first 200 on
#                         an authenticated GET / at most 2 s after the database is back
#   3 SIGHUP              every worker replaced, no failed request
#   4 SIGTERM             requests sent before it (a slow sign-in among them) complete; exit 0
#   5 two instances       a sign-in on one is valid on the other at once; a scope change or a
#                         revoke on one (web or CLI) is seen by the other on its next request
#   6 PostgreSQL frozen   SIGSTOP for 4 s: no answer slower than the 2 s DATABASE_TIMEOUT plus
#                         0.5 s (database pages 503 until they recover, other pages unaffected);
#                         every worker answering again (last 503) at most 2 s after the thaw
#   7 broken template     a template broken, then SIGHUP: the old workers keep answering
# /metrics is read before and after each scenario (every worker reports the instance's totals).
#
# Environment: GATEHOUSE_BIN (default .build/release/gatehouse, built when missing),
# FAULTS_THREADS=6 client threads, KEEP_TMP=1 keeps the temp directory and its logs (kept
# anyway when a bound is broken).
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
        --timeout "${load_timeout:-10}" --stop-file "$tmp/$load_name.stop" --ready-file "$tmp/$load_name.ready" \
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

# ---------------------------------------------------------------- 1 worker kill -9

echo
log "1. kill -9 of a worker under load"
snapshot "$tmp/m1a.json" "$port_a"
load_start kill "$home_a" "$check_a" "$page_a"
sleep 1
eval "$(python3 "$tool" kill-worker "$pid_a" --timeout 5)"
sleep 1
load_stop
eval "$(python3 "$tool" analyze kill --records "$load_out" --at "kill0=$kill0" --at "kill1=$kill1")"
snapshot "$tmp/m1b.json" "$port_a"
echo "   killed worker $victim; replacement after ${replaced} s (workers now $workers_after)"
echo "   sent $sent ($statuses), failed $failed, in flight at the kill $in_flight, longest ${longest} s"
report_metrics "" "$tmp/m1a.json" "$tmp/m1b.json"
if [ "$replaced" = never ] || awk -v r="$replaced" 'BEGIN { exit !(r > 1.0) }'; then
    verdict=FAIL why="no replacement within 1 s${why:+; $why}"
fi
# A worker holds at most one request per responder thread (WORKERS, default 2 × cores).
held=$(awk -F= '$1 == "WORKERS" { print $2 }' "$env_file")
held=${held:-$((2 * $(nproc)))}
if [ "$failed" -gt "$held" ]; then
    verdict=FAIL why="$failed failed > the $held requests one worker can hold${why:+; $why}"
fi
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "1 worker kill -9" "$sent" "$failed (≤ $in_flight in flight, ≤ $held held)" "$longest s" "replaced in $replaced s" \
    "failed ≤ requests the worker held, replaced ≤ 1 s" "$verdict"

# ---------------------------------------------------------------- 2 PostgreSQL stopped

echo
log "2. PostgreSQL stopped under load, then started again"
snapshot "$tmp/m2a.json" "$port_a"
load_start pgdown "$home_a" "$health_a" "$page_a"
sleep 1
stop0=$(now)
"$root/scripts/pg.sh" stop "$pg_dir"
stop1=$(now)
sleep 3
start0=$(now)
"$root/scripts/pg.sh" start "$pg_dir" "$pg_port"
back=$(now)
sleep 2.5
load_stop
eval "$(python3 "$tool" analyze pgdown --records "$load_out" --at "stop0=$stop0" --at "stop1=$stop1" \
    --at "start0=$start0" --at "back=$back")"
snapshot "$tmp/m2b.json" "$port_a"
echo "   pg_ctl stop took $(awk -v a="$stop0" -v b="$stop1" 'BEGIN { printf "%.2f", b - a }') s, start $(awk -v a="$start0" -v b="$back" 'BEGIN { printf "%.2f", b - a }') s"
echo "   while down: $down_requests requests ($down_statuses), longest ${down_longest} s"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s; first 200 on GET / ${recovery} s after the database was back (${recovery_from_start} s after pg_ctl start began)"
report_metrics "" "$tmp/m2a.json" "$tmp/m2b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "2 PostgreSQL stopped" "$sent" "$failed" "$longest s (down: $down_longest s)" \
    "$recovery s after pg.sh start returned ($recovery_from_start s after it began)" \
    "503 while down, none > 2 s, recovery ≤ 2 s" "$verdict"

# ---------------------------------------------------------------- 3 SIGHUP

echo
log "3. SIGHUP under load"
snapshot "$tmp/m3a.json" "$port_a"
load_start hup "$home_a" "$check_a" "$page_a"
sleep 1
eval "$(python3 "$tool" hup "$pid_a" --timeout 10)"
sleep 1
load_stop
eval "$(python3 "$tool" analyze hup --records "$load_out")"
snapshot "$tmp/m3b.json" "$port_a"
echo "   workers $workers_before → $workers_after, all replaced after ${replaced} s"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s"
report_metrics "" "$tmp/m3a.json" "$tmp/m3b.json"
if [ "$replaced" = never ]; then verdict=FAIL why="workers not all replaced within 10 s${why:+; $why}"; fi
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "3 SIGHUP" "$sent" "$failed" "$longest s" "all workers replaced in $replaced s" "no failed request" "$verdict"

# ---------------------------------------------------------------- 4 SIGTERM

echo
log "4. SIGTERM under load"
snapshot "$tmp/m4a.json" "$port_a"
load_start term "$home_a" "$check_a" "$page_a"
sleep 1
# A sign-in hashing 3000000 iterations (~0.5 s of CPU, more on a busy machine) is running
# when SIGTERM arrives 0.25 s after it was sent.
slow_form=$(curl -sS --max-time 10 -D "$tmp/slow.headers" "http://127.0.0.1:$port_a/auth")
slow_anon=$(cookie_in "$tmp/slow.headers")
slow_csrf=$(csrf_in <<<"$slow_form")
curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 20 -H "Cookie: session=$slow_anon" \
    --data-urlencode "csrf_token=$slow_csrf" --data-urlencode "username=slow" --data-urlencode "password=slow walrus prism 1" \
    "http://127.0.0.1:$port_a/auth" >"$tmp/slow.out" 2>&1 &
slow_pid=$!
sleep 0.25
term=$(now)
kill -TERM "$pid_a"
set +e
wait "$pid_a"
exit_status=$?
set -e
exited=$(now)
forget_serve "$pid_a"
wait "$slow_pid" || true
read -r slow_status slow_time <"$tmp/slow.out" || true
sleep 0.3
load_stop
eval "$(python3 "$tool" analyze term --records "$load_out" --at "term=$term")"
drain=$(awk -v a="$term" -v b="$exited" 'BEGIN { printf "%.3f", b - a }')
echo "   exit status $exit_status after ${drain} s; slow sign-in in flight: ${slow_status:-none} after ${slow_time:-?} s"
echo "   sent $sent ($statuses), failed before SIGTERM $failed (in flight at it: $in_flight), longest ${longest} s"
echo "   sent after SIGTERM (refused while stopping, not counted): $sent_after_term ($after_statuses;" \
    "$raced of them 502s sent < 20 ms before it that reached nginx's upstream connect after it)"
if [ "$exit_status" != 0 ]; then verdict=FAIL why="exit status $exit_status${why:+; $why}"; fi
if [ "${slow_status:-}" != 303 ]; then verdict=FAIL why="the in-flight sign-in answered ${slow_status:-nothing}${why:+; $why}"; fi
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "4 SIGTERM" "$sent" "$failed (+1 slow sign-in: ${slow_status:-none})" "$longest s" "drained in $drain s, exit $exit_status" \
    "in-flight complete, exit 0" "$verdict"
# The counters went with that instance; nothing to compare after.
# Start instance A again for scenario 5 (same socket and nginx).
serve_ready "$sock_a" "$tmp/serve-a.log" "$port_a"
pid_a=$serve_pid

# ---------------------------------------------------------------- 5 two instances

echo
log "5. two instances on one database"
sock_b="$tmp/gh-b.sock"
port_b=$(free_port)
nginx_start "$tmp/nginx-b" "$port_b" "$sock_b"
serve_ready "$sock_b" "$tmp/serve-b.log" "$port_b"
pid_b=$serve_pid
snapshot "$tmp/m5a.json" "$port_a"
snapshot "$tmp/m5aB.json" "$port_b"
load_start two "$home_a" "$check_a" "home|$port_b|GET|/|session=$token|200" "check|$port_b|GET|/auth/check|session=$token|204"
sleep 0.5
check_sent=0 check_failed=0
t5=$(now)
bob=$(login "$port_a" bob 'bob lantern fjord 12') || bob=""
check "bob signs in on A; his cookie on B, next request: GET /" 200 "$(status_of "$port_b" / "$bob")"
check "bob lacks scope reports on B" 403 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
check "alice adds scope reports to bob on A (web)" 303 "$(post "$port_a" /admin/users/scope "$token" username=bob scope=reports action=add)"
check "B, next request: /auth/check?scope=reports as bob" 204 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
gh user scope bob -reports >>"$tmp/cli.log" 2>&1 && cli=ok || cli=failed
check "gatehouse user scope bob -reports (CLI)" ok "$cli"
check "A, next request: /auth/check?scope=reports as bob" 403 "$(status_of "$port_a" '/auth/check?scope=reports' "$bob")"
check "B, next request: /auth/check?scope=reports as bob" 403 "$(status_of "$port_b" '/auth/check?scope=reports' "$bob")"
check "alice revokes bob's sessions on B (web)" 303 "$(post "$port_b" /admin/users/revoke "$token" username=bob)"
check "A, next request: GET / as bob (signed out: redirect)" 303 "$(status_of "$port_a" / "$bob")"
bob=$(login "$port_b" bob 'bob lantern fjord 12') || bob=""
check "bob signs in on B; on A, next request: GET /" 200 "$(status_of "$port_a" / "$bob")"
gh session revoke bob >>"$tmp/cli.log" 2>&1 && cli=ok || cli=failed
check "gatehouse session revoke bob (CLI)" ok "$cli"
check "A, next request: GET / as bob" 303 "$(status_of "$port_a" / "$bob")"
check "B, next request: /auth/check as bob" 401 "$(status_of "$port_b" /auth/check "$bob")"
t5_end=$(now)
load_stop
eval "$(python3 "$tool" analyze two --records "$load_out")"
snapshot "$tmp/m5b.json" "$port_a"
snapshot "$tmp/m5bB.json" "$port_b"
echo "   load on both (alice): sent $sent ($statuses), failed $failed, longest ${longest} s"
report_metrics A "$tmp/m5a.json" "$tmp/m5b.json"
report_metrics B "$tmp/m5aB.json" "$tmp/m5bB.json"
if [ "$check_failed" -gt 0 ]; then verdict=FAIL why="$check_failed checks failed${why:+; $why}"; fi
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "5 two instances" "$((sent + check_sent))" "$((failed + check_failed))" "$longest s" \
    "seen on the next request ($check_sent checks in $(awk -v a="$t5" -v b="$t5_end" 'BEGIN { printf "%.2f", b - a }') s)" \
    "every check, no failed request" "$verdict"

# ---------------------------------------------------------------- 6 PostgreSQL frozen

echo
log "6. PostgreSQL frozen (SIGSTOP on the postmaster and every backend) for 4 s under load"
snapshot "$tmp/m6a.json" "$port_a"
# More clients than responder threads (2 × WORKERS), so stuck threads show on other pages.
load_threads=$((threads * 2)) load_start freeze "$home_a" "$health_a" "$page_a"
sleep 1
postmaster=$(head -n1 "$pg_dir/data/postmaster.pid")
frozen="$postmaster $(python3 "$tool" children "$postmaster")"
freeze=$(now)
# shellcheck disable=SC2086
kill -STOP $frozen
sleep 4
# shellcheck disable=SC2086
kill -CONT $frozen
thaw=$(now)
sleep 2.5
load_stop
eval "$(python3 "$tool" analyze freeze --records "$load_out" --at "freeze=$freeze" --at "thaw=$thaw" --slow 2.5)"
snapshot "$tmp/m6b.json" "$port_a"
echo "   while frozen: $frozen_requests requests ($frozen_statuses), longest ${frozen_longest} s; GET /auth (no database) longest ${page_longest} s"
echo "   sent $sent ($statuses), failed $failed, slower than 2.5 s: $slow; every worker answering again ${recovery} s after the thaw"
report_metrics "" "$tmp/m6a.json" "$tmp/m6b.json"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "6 PostgreSQL frozen" "$sent" "$failed" "$longest s" "$recovery s" "none > 2.5 s, recovery ≤ 2 s" "$verdict"

# ---------------------------------------------------------------- 7 SIGHUP with a broken template

echo
log "7. a template broken, then SIGHUP under load"
snapshot "$tmp/m7a.json" "$port_a"
before_workers=$(worker_pids "$pid_a")
cp "$tmp/templates/home.html" "$tmp/home.html.good"
load_timeout=3 load_start badreload "$home_a" "$check_a" "$page_a"
sleep 1
printf '{{#broken}}\n' >>"$tmp/templates/home.html"
kill -HUP "$pid_a"
sleep 3
after_workers=$(worker_pids "$pid_a")
load_stop
eval "$(python3 "$tool" analyze plain --records "$load_out")"
exits=$(grep -c worker_exited "$tmp/serve-a.log" || true)
echo "   workers $(tr ' ' , <<<"$before_workers") → $(tr ' ' , <<<"${after_workers:-none}") 3 s after SIGHUP; worker exits logged so far: $exits"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s"
# Put the template back: the next reload (or respawn) starts good workers again.
cp "$tmp/home.html.good" "$tmp/templates/home.html"
kill -HUP "$pid_a"
wait_healthy "$port_a" 10 || true
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "7 SIGHUP, broken template" "$sent" "$failed" "$longest s" "-" "old workers keep answering" "$verdict"

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
