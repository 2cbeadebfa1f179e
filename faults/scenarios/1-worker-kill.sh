# shellcheck shell=bash
# make faults, scenario 1 worker kill -9 (sourced by scripts/faults.sh).
# Bounds: at most the requests the killed worker held fail (none sent after the kill, no
# more than were in flight), and a replacement runs within replaced_within seconds.
replaced_within=1

echo
log "1. kill -9 of a worker under load"
snapshot "$tmp/m1a.json" "$port_a"
load_start kill "$home_a" "$check_a" "$page_a"
sleep 1
results kill-worker "$pid_a" --timeout 5
sleep 1
load_stop
judge_load
records in_flight --started-before "$kill1" --ended-after "$kill0"
records failed --unexpected
records failed_after_kill --unexpected --started-after "$kill1"
[ "$failed" -le "$in_flight" ] || fail "$failed failed > $in_flight in flight at the kill"
[ "$failed_after_kill" = 0 ] || fail "$failed_after_kill requests sent after the kill failed ($failed_after_kill_statuses)"
snapshot "$tmp/m1b.json" "$port_a"
echo "   killed worker $victim; replacement after ${replaced} s (workers now $workers_after)"
echo "   sent $sent ($statuses), failed $failed, in flight at the kill $in_flight, longest ${longest} s"
report_metrics "" "$tmp/m1a.json" "$tmp/m1b.json"
if [ "$replaced" = never ] || above "$replaced" "$replaced_within"; then
    fail "no replacement within $replaced_within s"
fi
# A worker holds at most one request per responder thread (WORKERS, default 2 × cores).
held=$(awk -F= '$1 == "WORKERS" { print $2 }' "$env_file")
held=${held:-$((2 * $(nproc)))}
[ "$failed" -le "$held" ] || fail "$failed failed > the $held requests one worker can hold"
[ "$verdict" = ok ] || echo "   FAIL: $why"
row "1 worker kill -9" "$sent" "$failed (≤ $in_flight in flight, ≤ $held held)" "$longest s" "replaced in $replaced s" \
    "failed ≤ requests the worker held, replaced ≤ $replaced_within s" "$verdict"
