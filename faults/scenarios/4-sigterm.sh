# shellcheck shell=bash
# make faults, scenario 4 SIGTERM (sourced by scripts/faults.sh).
# Bounds: requests sent before SIGTERM (a slow sign-in among them) complete; exit status 0.
# A request the client sent a few milliseconds before SIGTERM can reach nginx's upstream
# connect after it, when the socket is already gone (a 502 nginx logs as connect() ENOENT): it
# never reached Gatehouse, so it was not in flight. The client sees only its own send time,
# so 502s sent less than race seconds before SIGTERM count with those sent after it.
race=0.02

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
judge_load
early=$(awk -v t="$term" -v r="$race" 'BEGIN { printf "%.6f", t - r }')
records raced --status 502 --started-after "$early" --started-before "$term"
records failed_early --unexpected --started-before "$early"
records failed_close --unexpected --not-status 502 --started-after "$early" --started-before "$term"
failed=$((failed_early + failed_close))
[ "$failed" = 0 ] || fail "$failed requests sent before SIGTERM failed ($failed_early_statuses; $failed_close_statuses)"
records in_flight_early --started-before "$early" --ended-after "$term"
records in_flight_close --not-status 502 --started-after "$early" --started-before "$term" --ended-after "$term"
in_flight=$((in_flight_early + in_flight_close))
[ "$in_flight" -gt 0 ] || fail "no request was in flight at SIGTERM (the scenario proved nothing)"
records after_term --started-after "$term"
drain=$(seconds_between "$term" "$exited")
echo "   exit status $exit_status after ${drain} s; slow sign-in in flight: ${slow_status:-none} after ${slow_time:-?} s"
echo "   sent $sent ($statuses), failed before SIGTERM $failed (in flight at it: $in_flight), longest ${longest} s"
echo "   sent after SIGTERM (refused while stopping, not counted): $after_term ($after_term_statuses)," \
    "and $raced 502s sent < $(awk -v r="$race" 'BEGIN { print r * 1000 }') ms before it that reached nginx's upstream connect after it"
[ "$exit_status" = 0 ] || fail "exit status $exit_status"
[ "${slow_status:-}" = 303 ] || fail "the in-flight sign-in answered ${slow_status:-nothing}"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "4 SIGTERM" "$sent" "$failed (+1 slow sign-in: ${slow_status:-none})" "$longest s" "drained in $drain s, exit $exit_status" \
    "in-flight complete, exit 0" "$verdict"
# The counters went with that instance; nothing to compare after.
# Start instance A again for scenario 5 (same socket and nginx).
serve_ready "$sock_a" "$tmp/serve-a.log" "$port_a"
pid_a=$serve_pid
