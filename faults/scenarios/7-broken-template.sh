# shellcheck shell=bash
# make faults, scenario 7 SIGHUP with a broken template (sourced by scripts/faults.sh).
# Bounds: the old workers keep answering: no failed request.

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
judge_load
records failed --unexpected
[ "$failed" = 0 ] || fail "$failed failed requests ($failed_statuses)"
exits=$(grep -c worker_exited "$tmp/serve-a.log" || true)
echo "   workers $(tr ' ' , <<<"$before_workers") → $(tr ' ' , <<<"${after_workers:-none}") 3 s after SIGHUP; worker exits logged so far: $exits"
echo "   sent $sent ($statuses), failed $failed, longest ${longest} s"
# Put the template back: the next reload (or respawn) starts good workers again.
cp "$tmp/home.html.good" "$tmp/templates/home.html"
kill -HUP "$pid_a"
wait_healthy "$port_a" 10 || true
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "7 SIGHUP, broken template" "$sent" "$failed" "$longest s" "-" "old workers keep answering" "$verdict"
