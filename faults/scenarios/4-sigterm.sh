# shellcheck shell=bash
# make faults, scenario 4 SIGTERM (sourced by scripts/faults.sh).
# Bounds: requests sent before SIGTERM (a slow sign-in among them) complete; exit status 0.
# A 502 sent less than race seconds before SIGTERM reached nginx after it (see tool.py).
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
results analyze term --records "$load_out" --at "term=$term" --race "$race"
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
